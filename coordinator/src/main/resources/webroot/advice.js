// The growth advisor's view: per node and file, the advised maxSize, keep and maxTotalSize with
// their reasons (GET /api/v1/advice). Kept apart from dashboard.js; it reads the same token.
const TOKEN_KEY = 'fleetrotate.adminToken';
const REFRESH_MS = 60_000;

function cell(row, text, title) {
  const td = document.createElement('td');
  td.textContent = text;
  if (title) td.title = title;
  row.appendChild(td);
}

function size(bytes) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${Math.round(v * 10) / 10}${units[u]}`;
}

async function refresh() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const body = document.getElementById('advice-rows');
  const status = document.getElementById('advice-status');
  if (!token || !body) return;
  try {
    const response = await fetch('/api/v1/advice', {
      headers: { Authorization: `Bearer ${token}` },
    });
    const json = await response.json();
    if (!response.ok) {
      status.textContent = json.error || `HTTP ${response.status}`;
      return;
    }
    body.replaceChildren();
    for (const item of json.items) {
      const row = document.createElement('tr');
      cell(row, item.node);
      cell(row, item.path);
      const a = item.advice;
      if (!a) {
        cell(row, '—');
        cell(row, '—');
        cell(row, '—');
        cell(row, item.note);
      } else {
        cell(row, size(a.maxSizeBytes), a.reasons.maxSize);
        cell(row, String(a.keep), a.reasons.keep);
        cell(row, size(a.maxTotalSizeBytes), a.reasons.maxTotalSize);
        cell(row, a.basis);
      }
      body.appendChild(row);
    }
    status.textContent = json.items.length ? '' : 'No watched file reported yet.';
  } catch (e) {
    status.textContent = `Cannot load the advice: ${e.message}`;
  }
}

refresh();
setInterval(refresh, REFRESH_MS);
