// Carillon dashboard (issue 10; docs/dashboard.md). Everything read from Kafka (task IDs, instances, error messages,
// topics, keys) is inserted with textContent or as attribute values set through the DOM, never as HTML; the server's
// Content-Security-Policy forbids inline script besides.
'use strict';

(function () {
  const OUTCOMES = ['succeeded', 'failed', 'timedOut', 'skippedOverlap', 'skippedDisabled', 'skippedVersion', 'interrupted'];
  let info = null;
  let selectedTask = null;
  const lastJson = {};

  const $ = (id) => document.getElementById(id);

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function outcomeClass(outcome) {
    return OUTCOMES.includes(outcome) ? 'outcome-' + outcome : 'outcome-unknown';
  }

  function badge(outcome) {
    return el('span', outcome, 'badge ' + outcomeClass(outcome));
  }

  function time(iso) {
    if (!iso) return '';
    const d = new Date(iso);
    return isNaN(d.getTime()) ? String(iso) : d.toLocaleString();
  }

  function timeCell(iso) {
    const td = el('td', time(iso));
    if (iso) td.title = String(iso);
    return td;
  }

  function ms(value) {
    if (value === null || value === undefined) return '';
    const abs = Math.abs(value);
    if (abs < 1000) return Math.round(value) + ' ms';
    if (abs < 120000) return (value / 1000).toFixed(1) + ' s';
    return (value / 60000).toFixed(1) + ' min';
  }

  function status(text, isError, target) {
    const s = $(target || 'status');
    s.textContent = text;
    s.className = isError ? 'status error' : 'status';
    if (target) s.className += ' message';
  }

  async function getJson(path) {
    const response = await fetch(path, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    const text = await response.text();
    if (!response.ok) {
      let message = response.status + ' ' + response.statusText;
      try { message = JSON.parse(text).error || message; } catch (e) { /* not JSON */ }
      throw new Error(message);
    }
    return { text: text, data: JSON.parse(text) };
  }

  // Re-render only what changed, so a button under the pointer is not replaced every refresh for nothing.
  async function load(key, path, render) {
    const result = await getJson(path);
    if (lastJson[key] !== result.text) {
      lastJson[key] = result.text;
      render(result.data);
    }
  }

  async function command(path, body) {
    const headers = { 'Content-Type': 'application/json' };
    if (info.antiforgeryHeader && info.antiforgeryToken) headers[info.antiforgeryHeader] = info.antiforgeryToken;
    const response = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: headers,
      body: body === undefined ? '{}' : JSON.stringify(body)
    });
    let message = response.status + ' ' + response.statusText;
    try {
      const json = await response.json();
      message = json.error || (json.command + ' ' + json.target + ': written');
    } catch (e) { /* not JSON */ }
    status(message, !response.ok, 'message');
    delete lastJson.schedule;
    refresh();
  }

  function taskCommand(taskId, verb) {
    return command('api/tasks/' + encodeURIComponent(taskId) + '/' + verb);
  }

  function commandButton(label, taskId, verb) {
    const button = el('button', label);
    button.type = 'button';
    button.dataset.command = verb;
    button.addEventListener('click', () => taskCommand(taskId, verb));
    return button;
  }

  function selectTask(taskId) {
    selectedTask = taskId;
    location.hash = taskId === null ? '' : 'task=' + encodeURIComponent(taskId);
    delete lastJson.task;
    if (taskId === null) $('task-detail').hidden = true;
    refresh();
  }

  function renderSchedule(schedule) {
    const owner = schedule.owner || {};
    const ownerText = owner.instance
      ? 'Owner ' + owner.instance + (owner.since ? ' since ' + time(owner.since) : '') +
        (owner.scheduleVersion ? ' · version ' + owner.scheduleVersion : '') +
        (owner.standbyCount !== null && owner.standbyCount !== undefined ? ' · ' + owner.standbyCount + ' standby' : '')
      : 'No owner yet';
    $('owner').textContent = ownerText;

    const body = $('tasks').tBodies[0];
    const rows = schedule.tasks.map((task) => {
      const tr = el('tr');
      tr.dataset.taskId = task.id;
      const idCell = el('td', null, 'task-id');
      const open = el('button', task.id);
      open.type = 'button';
      open.addEventListener('click', () => selectTask(task.id));
      idCell.appendChild(open);
      tr.appendChild(idCell);
      tr.appendChild(el('td', task.cron || ''));
      tr.appendChild(el('td', task.timeZone || 'UTC'));
      tr.appendChild(el('td', task.enabled ? 'yes' : 'no', task.enabled ? 'state-on enabled' : 'state-off enabled'));
      tr.appendChild(timeCell(task.nextOccurrence));
      const outcome = el('td');
      if (task.lastRun) outcome.appendChild(badge(task.lastRun.outcome));
      tr.appendChild(outcome);
      tr.appendChild(timeCell(task.lastRun ? task.lastRun.start : null));
      tr.appendChild(el('td', task.overdue ? task.missedOccurrences + ' missed' : '', task.overdue ? 'overdue' : ''));
      tr.appendChild(el('td', task.exclusive ? (owner.instance || '') : 'every instance'));
      if (info.commandsEnabled) {
        const cell = el('td', null, 'commands');
        cell.appendChild(task.enabled ? commandButton('Disable', task.id, 'disable') : commandButton('Enable', task.id, 'enable'));
        cell.appendChild(commandButton('Trigger', task.id, 'trigger'));
        tr.appendChild(cell);
      }
      return tr;
    });
    body.replaceChildren(...rows);
    $('no-tasks').hidden = rows.length > 0;
  }

  function renderTask(detail) {
    const task = detail.task;
    $('task-detail').hidden = false;
    $('detail-id').textContent = task.id;
    const definition = [
      ['Cron', task.cron || '(unknown)'],
      ['Time zone', task.timeZone || 'UTC'],
      ['Enabled', task.enabled ? 'yes' : 'no'],
      ['Next run', time(task.nextOccurrence)],
      ['Overlap', task.allowOverlap ? 'allowed' : 'not allowed'],
      ['Timeout', task.timeoutMs === null ? 'none' : ms(task.timeoutMs)],
      ['Runs on', task.exclusive ? 'one instance' : 'every instance'],
      ['Version', task.version || ''],
      ['Overdue', task.overdue ? task.missedOccurrences + ' missed occurrences' : 'no']
    ];
    $('detail-definition').replaceChildren(...definition.flatMap(([name, value]) => [el('dt', name), el('dd', value)]));

    const oldestFirst = detail.runs.slice().reverse();
    $('detail-timeline').replaceChildren(...oldestFirst.map((run) => {
      const mark = el('span', null, outcomeClass(run.outcome));
      mark.title = time(run.occurrence) + ' · ' + run.outcome;
      return mark;
    }));
    const longest = Math.max(1, ...oldestFirst.map((run) => run.durationMs));
    $('detail-chart').replaceChildren(...oldestFirst.map((run) => {
      const bar = el('span', null, outcomeClass(run.outcome));
      bar.style.height = Math.max(2, Math.round(run.durationMs / longest * 60)) + 'px';
      bar.title = ms(run.durationMs) + ' (late ' + ms(run.latenessMs) + ')';
      return bar;
    }));

    $('runs').tBodies[0].replaceChildren(...detail.runs.map((run) => {
      const tr = el('tr');
      tr.appendChild(timeCell(run.occurrence));
      tr.appendChild(timeCell(run.start));
      tr.appendChild(el('td', ms(run.latenessMs)));
      tr.appendChild(el('td', ms(run.durationMs)));
      const outcome = el('td');
      outcome.appendChild(badge(run.outcome));
      tr.appendChild(outcome);
      tr.appendChild(el('td', run.trigger));
      tr.appendChild(el('td', run.instance));
      tr.appendChild(el('td', run.attempt));
      tr.appendChild(el('td', [run.errorType, run.errorMessage].filter(Boolean).join(': '), 'error-text'));
      return tr;
    }));
  }

  function renderRecurringMessages(view) {
    const rows = view.schedules.map((m) => {
      const tr = el('tr');
      tr.dataset.name = m.name;
      tr.appendChild(el('td', m.name, 'schedule-name'));
      tr.appendChild(el('td', m.cron));
      tr.appendChild(el('td', m.timeZone || 'UTC'));
      tr.appendChild(el('td', m.targetTopic));
      tr.appendChild(el('td', m.enabled ? 'yes' : 'no', m.enabled ? 'state-on enabled' : 'state-off enabled'));
      tr.appendChild(timeCell(m.nextOccurrence));
      // The latest record produced: its scheduled occurrence or a trigger, whichever is later.
      const manual = m.lastTriggeredAt && (!m.lastOccurrence || m.lastTriggeredAt > m.lastOccurrence);
      const last = timeCell(manual ? m.lastTriggeredAt : m.lastOccurrence);
      if (manual) last.appendChild(el('span', ' (trigger)', 'muted'));
      tr.appendChild(last);
      const producer = el('td', m.lastInstance || '');
      producer.title = 'partition ' + m.partition;
      tr.appendChild(producer);
      tr.appendChild(el('td', m.description || '', 'description'));
      return tr;
    });
    $('recurring-messages').tBodies[0].replaceChildren(...rows);
    $('no-recurring-messages').hidden = rows.length > 0;
  }

  function renderDelayed(delayed) {
    $('delayed-totals').textContent =
      delayed.pending + ' pending · ' + delayed.dispatched + ' dispatched · ' + delayed.deadLettered + ' dead-lettered';
    const most = Math.max(1, ...delayed.partitions.map((p) => p.pending));
    $('delayed-chart').replaceChildren(...delayed.partitions.map((p) => {
      const bar = el('span', null, 'pending');
      bar.style.height = Math.max(2, Math.round(p.pending / most * 60)) + 'px';
      bar.title = 'partition ' + p.partition + ': ' + p.pending + ' pending' + (p.nextDue ? ', next due ' + time(p.nextDue) : '');
      return bar;
    }));
    $('partitions').tBodies[0].replaceChildren(...delayed.partitions.map((p) => {
      const tr = el('tr');
      tr.appendChild(el('td', p.partition));
      tr.appendChild(el('td', p.pending));
      tr.appendChild(timeCell(p.nextDue));
      tr.appendChild(timeCell(p.oldestPending));
      tr.appendChild(el('td', p.dispatched));
      tr.appendChild(el('td', p.deadLettered));
      return tr;
    }));
  }

  function renderDeadLetters(letters) {
    $('dead-letters').tBodies[0].replaceChildren(...letters.map((d) => {
      const tr = el('tr');
      tr.appendChild(timeCell(d.at));
      tr.appendChild(el('td', d.reason));
      tr.appendChild(el('td', d.targetTopic || ''));
      tr.appendChild(el('td', d.scheduleKey || ''));
      tr.appendChild(timeCell(d.deliverAt));
      tr.appendChild(el('td', d.sourcePartition));
      tr.appendChild(el('td', d.sourceOffset));
      return tr;
    }));
    $('no-dead-letters').hidden = letters.length > 0;
  }

  // One read at a time; a change announced during a read (which may have missed it) gets a read of its own after.
  let refreshing = null;
  let again = false;
  function refresh() {
    if (refreshing) {
      again = true;
      return refreshing;
    }
    const loads = [
      load('schedule', 'api/schedule', renderSchedule),
      load('recurringMessages', 'api/recurring-messages', renderRecurringMessages),
      load('delayed', 'api/delayed', renderDelayed),
      load('deadLetters', 'api/dead-letters', renderDeadLetters)
    ];
    if (selectedTask !== null) {
      loads.push(load('task', 'api/tasks/' + encodeURIComponent(selectedTask), renderTask));
    }
    refreshing = Promise.all(loads)
      .then(() => status('Updated ' + new Date().toLocaleTimeString()))
      .catch((e) => status(e.message, true))
      .finally(() => {
        refreshing = null;
        if (again) {
          again = false;
          refresh();
        }
      });
    return refreshing;
  }

  // Live updates (docs/dashboard.md): the server says when the read model changed (api/events, server-sent events)
  // and the page reads again; if the stream fails (a proxy that drops it, a server without it), the page polls.
  let polling = false;
  function poll() {
    if (polling) return;
    polling = true;
    const loop = () => refresh().finally(() => setTimeout(loop, info.refreshIntervalMs));
    loop();
  }

  function follow() {
    if (typeof EventSource !== 'function') {
      poll();
      return;
    }
    const source = new EventSource('api/events');
    let opened = false;
    const onEvent = () => {
      opened = true;
      document.body.dataset.live = 'events';
      refresh();
    };
    source.addEventListener('change', onEvent);
    source.addEventListener('tick', onEvent);
    source.addEventListener('error', () => {
      // Before any event: no stream here, poll. After: the browser reconnects by itself; poll meanwhile only if it gave up.
      if (!opened || source.readyState === EventSource.CLOSED) {
        source.close();
        document.body.dataset.live = 'polling';
        poll();
      }
    });
  }

  function readHash() {
    const match = /^#task=(.*)$/.exec(location.hash);
    return match ? decodeURIComponent(match[1]) : null;
  }

  async function start() {
    try {
      info = (await getJson('api/info')).data;
    } catch (e) {
      status(e.message, true);
      setTimeout(start, 5000);
      return;
    }

    if (info.commandsEnabled) {
      $('bulk').hidden = false;
      $('cancel-form').hidden = false;
      document.querySelector('#tasks th.commands-column').hidden = false;
      $('disable-all').addEventListener('click', () => taskCommand('*', 'disable'));
      $('enable-all').addEventListener('click', () => taskCommand('*', 'enable'));
      $('trigger-all').addEventListener('click', () => taskCommand('*', 'trigger'));
      $('cancel-form').addEventListener('submit', (event) => {
        event.preventDefault();
        const key = $('cancel-key').value;
        if (key) command('api/delayed/cancel', { scheduleKey: key });
      });
    }

    $('detail-close').addEventListener('click', () => selectTask(null));
    window.addEventListener('hashchange', () => {
      const fromHash = readHash();
      if (fromHash !== selectedTask) {
        selectedTask = fromHash;
        delete lastJson.task;
        $('task-detail').hidden = fromHash === null;
        refresh();
      }
    });
    selectedTask = readHash();
    refresh();
    follow();
  }

  document.addEventListener('DOMContentLoaded', start);
})();
