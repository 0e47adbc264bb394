// Drag and drop onto the upload box; the form works without this script.
(function(){
  var form=document.getElementById('upload'),drop=document.getElementById('drop'),
      input=document.getElementById('report'),busy=document.getElementById('busy'),
      button=document.getElementById('submit');
  if(!form||!drop||!input)return;
  function send(){if(form.requestSubmit)form.requestSubmit();else{if(busy)busy.hidden=false;form.submit();}}
  ['dragenter','dragover'].forEach(function(k){
    drop.addEventListener(k,function(e){e.preventDefault();drop.classList.add('over');});
  });
  ['dragleave','drop'].forEach(function(k){
    drop.addEventListener(k,function(e){e.preventDefault();drop.classList.remove('over');});
  });
  drop.addEventListener('drop',function(e){
    if(e.dataTransfer&&e.dataTransfer.files&&e.dataTransfer.files.length){
      input.files=e.dataTransfer.files;send();
    }
  });
  form.addEventListener('submit',function(){if(busy)busy.hidden=false;if(button)setTimeout(function(){button.disabled=true;},0);});
})();
