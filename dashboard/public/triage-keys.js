// Keyboard triage: j/k move between posts, r reveals, e marks reviewed, p marks reported (with the
// report fields of the page), Enter opens the post, ? shows the help. A same-origin file, no
// inline handler, so the Content-Security-Policy (script-src 'self') allows it.
(function () {
  'use strict';
  var posts = Array.prototype.slice.call(document.querySelectorAll('li.post[data-post]'));
  var help = document.getElementById('keys-help');
  var current = -1;

  function select(i) {
    if (posts.length === 0) return;
    i = Math.max(0, Math.min(posts.length - 1, i));
    if (current >= 0 && posts[current]) posts[current].classList.remove('current');
    current = i;
    var li = posts[current];
    li.classList.add('current');
    li.setAttribute('tabindex', '-1');
    li.focus({ preventScroll: true });
    li.scrollIntoView({ block: 'nearest' });
  }

  function click(selector) {
    if (current < 0) return false;
    var el = posts[current].querySelector(selector);
    if (!el) return false;
    el.click();
    return true;
  }

  function report() {
    if (current < 0) return;
    var box = posts[current].querySelector('input[name="ids"]');
    var send = document.querySelector('form.triage button[name="action"][value="report"]');
    if (!box || !send) return;
    // Only the current post: the report fields apply to every ticked post.
    document.querySelectorAll('form.triage input[name="ids"]').forEach(function (b) {
      b.checked = false;
    });
    box.checked = true;
    send.click();
  }

  function toggleHelp(show) {
    if (!help) return;
    help.hidden = show === undefined ? !help.hidden : !show;
    if (!help.hidden) help.querySelector('.keys-close').focus();
  }

  // Back from an action, the page opens at the post acted on: keep it current.
  var m = /^#post-(\d+)$/.exec(location.hash);
  if (m) {
    for (var i = 0; i < posts.length; i++) if (posts[i].getAttribute('data-post') === m[1]) select(i);
  }

  if (help) {
    help.querySelector('.keys-close').addEventListener('click', function () {
      toggleHelp(false);
    });
  }

  document.querySelectorAll('select[data-autosubmit]').forEach(function (s) {
    s.addEventListener('change', function () {
      s.form.submit();
    });
  });

  document.addEventListener('keydown', function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var t = ev.target;
    var tag = t && t.tagName;
    if (tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA' || (t && t.isContentEditable)) return;
    if (ev.key === 'Escape') return toggleHelp(false);
    if (help && !help.hidden && ev.key !== '?') return;
    switch (ev.key) {
      case 'j':
        select(current + 1);
        break;
      case 'k':
        select(current < 0 ? 0 : current - 1);
        break;
      case 'r':
        click('button.reveal');
        break;
      case 'e':
        click('.actions button[value="reviewed"]');
        break;
      case 'p':
        report();
        break;
      case 'Enter':
        if (t === posts[current]) click('.meta a[href^="/posts/"]');
        else return;
        break;
      case '?':
        toggleHelp();
        break;
      default:
        return;
    }
    ev.preventDefault();
  });
})();
