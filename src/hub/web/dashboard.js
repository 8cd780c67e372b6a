// SPDX-License-Identifier: GPL-3.0-or-later
// The dashboard's pages: strings from the hub's gettext catalog (/api/strings.json), figures
// polled from the JSON endpoints every 2 s, charts with Debian's Chart.js. Data is only ever
// put into the page with textContent, never as HTML.
'use strict';

const POLL_MS = 2000;
const SILENT_SECONDS = 5 * 60;
const CATEGORY_NAMES = {
  trade_visitor: 'Trade visitor', public: 'General public', media: 'Media',
  exhibitor: 'Exhibitor', vip: 'VIP', organizer: 'Organizer',
};

let strings = {};
let session = null;
let page = 'overview';
const charts = {};

function language () {
  const asked = new URLSearchParams(location.search).get('lang');
  if (asked) localStorage.setItem('foyer-lang', asked.startsWith('en') ? 'en' : 'zh_CN');
  return localStorage.getItem('foyer-lang') || 'zh_CN';
}

function t (msgid) { return strings[msgid] || msgid; }

async function loadStrings () {
  const lang = language();
  const answer = await fetch('/api/strings.json?lang=' + encodeURIComponent(lang));
  strings = await answer.json();
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-lang]'))
    el.classList.toggle('active', el.dataset.lang === lang);
  document.title = t('Foyer head office');
}

function cell (row, text, className) {
  const td = document.createElement('td');
  td.textContent = text === null || text === undefined ? '' : String(text);
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

function fillRows (tbody, items, fill) {
  tbody.replaceChildren();
  for (const item of items) {
    const row = document.createElement('tr');
    fill(row, item);
    tbody.appendChild(row);
  }
}

function barChart (id, labels, values, label) {
  if (typeof Chart === 'undefined') return;
  if (!charts[id]) {
    charts[id] = new Chart(document.getElementById(id), {
      type: 'bar',
      data: { labels: [], datasets: [{ label: '', data: [], backgroundColor: '#3a6ea5' }] },
      options: { animation: false, maintainAspectRatio: false,
                 plugins: { legend: { display: false } },
                 scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
  }
  const chart = charts[id];
  chart.data.labels = labels;
  chart.data.datasets[0].data = values;
  chart.data.datasets[0].label = label;
  chart.update();
}

function timeText (unix) {
  if (unix === null || unix === undefined) return '–';
  return new Date(unix * 1000).toLocaleString(document.documentElement.lang);
}

const renderers = {
  overview (data) {
    document.getElementById('registrations').textContent = data.registrations;
    document.getElementById('check-ins').textContent = data.check_ins;
    document.getElementById('inside').textContent = data.inside;
    barChart('chart-hour', data.per_hour.map(h => h.hour), data.per_hour.map(h => h.count),
             t('Arrivals'));
    barChart('chart-category', data.by_category.map(c => t(CATEGORY_NAMES[c.category] || c.category)),
             data.by_category.map(c => c.count), t('Visitors'));
    fillRows(document.getElementById('gates'), data.by_gate, (row, g) => {
      cell(row, g.gate); cell(row, g.area); cell(row, g.count);
    });
  },
  devices (data) {
    fillRows(document.getElementById('device-rows'), data.devices, (row, d) => {
      const silent = d.last_seen === null || data.now - d.last_seen >= SILENT_SECONDS;
      row.dataset.device = d.name;
      row.classList.toggle('silent', silent && !d.revoked);
      cell(row, d.name); cell(row, d.mode); cell(row, d.booth);
      cell(row, silent ? t('Offline') : t('Online'), 'state');
      cell(row, timeText(d.last_seen)); cell(row, d.pending); cell(row, d.version);
      cell(row, d.revoked ? t('Yes') : t('No'));
    });
  },
  problems (data) {
    const f = data.forwarding;
    document.getElementById('fwd-queued').textContent = f.queued;
    document.getElementById('fwd-failed').textContent = f.failed;
    document.getElementById('fwd-forwarded').textContent = f.forwarded;
    fillRows(document.getElementById('dead-rows'), data.dead, (row, d) => {
      cell(row, d.record); cell(row, timeText(d.at)); cell(row, d.reason);
    });
  },
  leads (data) {
    barChart('chart-leads', data.booths.map(b => b.booth), data.booths.map(b => b.leads),
             t('Leads'));
    fillRows(document.getElementById('booth-rows'), data.booths, (row, b) => {
      row.dataset.booth = b.booth;
      cell(row, b.booth); cell(row, b.exhibitor); cell(row, b.leads, 'lead-count');
      cell(row, b.hot); cell(row, b.warm); cell(row, b.cold);
      cell(row, b.leads ? Math.round(100 * b.follow_up / b.leads) + '%' : '–');
      if (session.role === 'admin') linkCell(row, b.booth);
    });
  },
};

function linkCell (row, booth) {
  const td = cell(row, '', 'link');
  const button = document.createElement('button');
  button.textContent = t('Download link');
  button.addEventListener('click', async () => {
    const answer = await fetch('/api/links', {
      method: 'POST', body: new URLSearchParams({ booth }),
      headers: { 'X-CSRF-Token': session.csrf },
    });
    const link = await answer.json();
    const a = document.createElement('a');
    a.href = a.textContent = link.url;
    td.replaceChildren(a);
    polling = false;   // keep the link on screen: the next refresh would rebuild the row
  });
  td.appendChild(button);
}

let polling = true;

async function refresh () {
  if (!polling) return;
  if (page === 'problems' && session.role !== 'admin') {
    document.getElementById('admin-only').hidden = false;
    return;
  }
  const answer = await fetch('/api/' + page + '.json');
  if (answer.status === 401) { location.href = '/login'; return; }
  if (!answer.ok) return;
  renderers[page](await answer.json());
  document.getElementById('updated').textContent = new Date().toLocaleTimeString(document.documentElement.lang);
  document.body.dataset.loaded = page;
}

function showPage () {
  page = (location.hash || '#overview').slice(1);
  if (!renderers[page]) page = 'overview';
  for (const section of document.querySelectorAll('section.page')) section.hidden = section.id !== page;
  for (const a of document.querySelectorAll('#pages a')) a.classList.toggle('active', a.dataset.page === page);
  document.body.dataset.loaded = '';
  polling = true;
  refresh();
}

async function startDashboard () {
  await loadStrings();
  session = await (await fetch('/api/session.json')).json();
  document.getElementById('event').textContent = session.event;
  document.getElementById('user').textContent = session.user;
  document.getElementById('logout-csrf').value = session.csrf;
  for (const el of document.querySelectorAll('.admin')) el.hidden = session.role !== 'admin';
  window.addEventListener('hashchange', showPage);
  showPage();
  setInterval(refresh, POLL_MS);
}

async function startLogin () {
  await loadStrings();
  document.getElementById('login-lang').value = language();
  const error = new URLSearchParams(location.search).get('error');
  const message = document.getElementById('login-error');
  if (error) {
    message.textContent = t(error === 'locked' ? 'Too many failed attempts. Try again in a few minutes.'
                                               : 'Wrong user name or password.');
    message.hidden = false;
  }
}

if (document.body.id === 'login-page') startLogin();
else startDashboard();
