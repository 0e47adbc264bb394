(function(){
  var all=function(sel,root){return Array.prototype.slice.call((root||document).querySelectorAll(sel));};
  function apply(){
    var rules={},sevs={},visible={},n=0;
    all('.rule-filter').forEach(function(c){if(c.checked)rules[c.value]=1;});
    all('.severity-filter').forEach(function(c){if(c.checked)sevs[c.value]=1;});
    all('[data-fid][data-rule]').forEach(function(el){
      var on=!!(rules[el.dataset.rule]&&sevs[el.dataset.severity]);
      el.classList.toggle('filtered',!on);
      if(on)visible[el.dataset.fid]=1;
    });
    all('.hl').forEach(function(el){
      var on=el.dataset.fids.split(' ').some(function(f){return visible[f];});
      el.classList.toggle('hl-off',!on);
    });
    all('.line.has-finding').forEach(function(l){
      l.classList.toggle('quiet',all('mark.finding:not(.filtered)',l).length===0);
    });
    all('.group').forEach(function(g){
      var k=all('.finding-item:not(.filtered)',g).length;
      g.querySelector('.group-count').textContent=k;
      g.classList.toggle('empty',k===0);
    });
    n=Object.keys(visible).length;
    var shown=document.getElementById('shown');
    if(shown)shown.textContent=shown.dataset.template.replace('{n}',n);
  }
  function flash(el){el.classList.remove('flash');void el.offsetWidth;el.classList.add('flash');}
  function go(fid){
    var m=document.getElementById('m-'+fid),line=m&&m.closest('.line,.whole');
    if(!line)return;
    var det=line.closest('details');if(det)det.open=true;
    line.scrollIntoView({block:'center'});flash(line);
    all('.finding-item.active').forEach(function(x){x.classList.remove('active');});
    var li=document.getElementById('i-'+fid);if(li)li.classList.add('active');
  }
  document.addEventListener('change',function(e){
    if(e.target.matches('.rule-filter,.severity-filter'))apply();
  });
  all('.finding-item').forEach(function(li){
    li.addEventListener('click',function(e){e.preventDefault();go(li.dataset.fid);});
  });
  all('mark.finding,.note').forEach(function(m){
    m.addEventListener('click',function(){
      var li=document.getElementById('i-'+m.dataset.fid);
      if(li){li.scrollIntoView({block:'nearest'});flash(li);}
    });
  });
  all('button[data-check]').forEach(function(b){
    b.addEventListener('click',function(){
      var on=b.dataset.check==='all';
      all('.rule-filter').forEach(function(c){c.checked=on;});apply();
    });
  });
  apply();
})();
