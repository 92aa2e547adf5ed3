/** The chat page: plain HTML and JS, no build step. Cached replies carry a "cached" badge. */
export const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Redstash AI chat</title>
<style>
  body { font: 15px/1.4 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; }
  #log { border: 1px solid #ccc; border-radius: 6px; min-height: 12rem; padding: .5rem; }
  .msg { margin: .35rem 0; }
  .user { text-align: right; }
  .user span { background: #e3f0ff; }
  .assistant span { background: #f2f2f2; }
  .msg span { display: inline-block; padding: .3rem .6rem; border-radius: 6px; }
  .badge { font-size: 11px; color: #fff; background: #2a7; border-radius: 4px; padding: 0 .3rem; margin-left: .3rem; }
  .error { color: #b00; }
  form { display: flex; gap: .5rem; margin-top: .5rem; }
  input { flex: 1; padding: .4rem; }
</style>
</head>
<body>
<h1>Redstash AI chat</h1>
<div id="log" aria-live="polite"></div>
<form id="form">
  <input id="input" autocomplete="off" placeholder="Say something" required>
  <button id="send">Send</button>
  <button id="new" type="button">New chat</button>
</form>
<script>
  const log = document.getElementById('log');
  const input = document.getElementById('input');
  const userId = localStorage.getItem('userId') || 'user-' + crypto.randomUUID().slice(0, 8);
  localStorage.setItem('userId', userId);
  let sessionId = crypto.randomUUID();

  function add(role, text, cached) {
    const div = document.createElement('div');
    div.className = 'msg ' + role;
    const span = document.createElement('span');
    span.textContent = text;
    div.appendChild(span);
    if (cached) {
      const badge = document.createElement('small');
      badge.className = 'badge';
      badge.textContent = 'cached';
      div.appendChild(badge);
    }
    log.appendChild(div);
  }

  document.getElementById('new').onclick = () => {
    sessionId = crypto.randomUUID();
    log.textContent = '';
  };

  document.getElementById('form').onsubmit = async (event) => {
    event.preventDefault();
    const message = input.value;
    input.value = '';
    add('user', message);
    const res = await fetch('/api/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user-id': userId },
      body: JSON.stringify({ sessionId, message }),
    });
    const body = await res.json().catch(() => ({}));
    if (res.status === 429) add('error', 'Rate limited: ' + (body.error || 'too many requests') + ', retry in ' + res.headers.get('retry-after') + ' s');
    else if (!res.ok) add('error', 'Error: ' + (body.error || res.status));
    else add('assistant', body.reply, body.cached);
  };
</script>
</body>
</html>
`;
