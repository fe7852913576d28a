// The dashboard's only script, loaded on every page (the CSP allows scripts from this origin only,
// no inline code). It tells the server the browser's time zone, and makes copy buttons work.
(function () {
  'use strict';
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    zone = '';
  }
  if (zone) {
    // Pages seen before signing in (sign-in limits, errors) show times in this zone; the sign-in
    // form posts it so a new account takes it as its own.
    document.cookie = 'vigie_tz=' + encodeURIComponent(zone) + '; path=/; max-age=31536000; SameSite=Strict';
    var fields = document.querySelectorAll('input[name="tz"]');
    for (var i = 0; i < fields.length; i++) fields[i].value = zone;
  }

  var copyButtons = document.querySelectorAll('button[data-copy]');
  for (var j = 0; j < copyButtons.length; j++) copyButtons[j].hidden = false;
  document.addEventListener('click', function (event) {
    var button = event.target && event.target.closest ? event.target.closest('button[data-copy]') : null;
    if (!button) return;
    event.preventDefault();
    var text = button.getAttribute('data-copy') || '';
    var done = function () {
      button.textContent = button.getAttribute('data-copied') || button.textContent;
    };
    if (navigator.clipboard && navigator.clipboard.writeText)
      navigator.clipboard.writeText(text).then(done, function () {});
  });
})();
