fetch('api/v4/system/ping').then(r => r.json()).then(j => {
  document.getElementById('status').textContent = j.status === 'OK' ? 'running' : j.status;
}).catch(() => { document.getElementById('status').textContent = 'unreachable'; });
