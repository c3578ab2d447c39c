// The viewer: annotated frames played at the cadence they were captured at, through a small
// jitter buffer. Each frame gets a slot (its capture time plus a fixed delay); a frame is shown
// in its slot, never sooner, and one that arrives after its slot has passed is skipped, not
// shown late, so playback is neither faster nor slower than real time.
'use strict';

/** How far behind capture the slots are: room for the network's and the job's jitter. */
const BUFFER_MS = 120;
/** A frame shown this long after its slot would be shown late: it is skipped instead. */
const LATE_MS = 34;

const screen = document.getElementById('screen');
const stats = window.driftlessViewer = {
  state: 'starting', received: 0, played: 0, skippedLate: 0,
  /**
   * The newest frames shown: their sequence, capture time and when shown (page clock), oldest
   * first; the status panel's fps and latency come from them.
   */
  plays: [],
};

/** Frames waiting for their slot, in capture order. */
const queue = [];
/** Page time = capture time (ms, streamer's clock) + offset; fixed by the first frame. */
let offsetMs = null;
let header = null;

function start() {
  const token = location.hash.slice(1);
  if (!token) {
    fail('no view token: open the viewer link the streamer page shows');
    return;
  }
  const socket = new WebSocket(socketUrl('/ws/view', token));
  socket.binaryType = 'arraybuffer';
  socket.onopen = () => { stats.state = 'watching'; };
  socket.onclose = (event) => {
    stats.state = 'closed';
    fail('the gateway closed the connection (' + event.code + (event.reason ? ': ' + event.reason : '') + ')');
  };
  socket.onmessage = (event) => {
    if (typeof event.data === 'string') {
      const message = JSON.parse(event.data);
      header = message.type === 'annotated' ? message : null;
      return;
    }
    if (header) {
      arrived(header, event.data);
      header = null;
    }
  };
}

function arrived(frame, jpeg) {
  stats.received++;
  const captureMs = frame.captureTimeUs / 1000;
  const now = performance.now();
  if (offsetMs === null) {
    offsetMs = now - captureMs + BUFFER_MS;
  }
  const slot = captureMs + offsetMs;
  if (slot < now) {
    stats.skippedLate++;
    return;
  }
  createImageBitmap(new Blob([jpeg], { type: 'image/jpeg' })).then((image) => {
    queue.push({ seq: frame.seq, slot, captureMs, image });
    queue.sort((a, b) => a.slot - b.slot);
  });
}

function play() {
  const now = performance.now();
  let due = null;
  // the newest frame whose slot has come; older due ones were overtaken and are skipped
  while (queue.length && queue[0].slot <= now) {
    if (due) {
      stats.skippedLate++;
      due.image.close();
    }
    due = queue.shift();
  }
  if (due && now - due.slot > LATE_MS) {
    // decoding took it past its slot
    stats.skippedLate++;
    due.image.close();
    due = null;
  }
  if (due) {
    const ctx = screen.getContext('2d');
    ctx.drawImage(due.image, 0, 0, screen.width, screen.height);
    due.image.close();
    stats.played++;
    stats.lastSeq = due.seq;
    stats.plays.push({ seq: due.seq, captureMs: due.captureMs, shownMs: now });
    if (stats.plays.length > 300) {
      stats.plays.shift();
    }
  }
  requestAnimationFrame(play);
}

function showStatus() {
  const now = performance.now();
  text('state', stats.state);
  text('played', stats.played + ' · ' + stats.skippedLate);
  text('fps', String(stats.plays.filter((p) => now - p.shownMs <= 1000).length));
  text('buffer', BUFFER_MS + ' ms · ' + queue.length + ' waiting');
  // the streamer's clock against this page's: exact on one machine, else off by their difference
  const latencies = stats.plays.map((p) => performance.timeOrigin + p.shownMs - p.captureMs);
  text('latency', percentile(latencies, 50).toFixed(0) + ' ms (p50)');
}

function text(id, value) {
  document.getElementById(id).textContent = value;
}

function fail(message) {
  document.getElementById('message').textContent = message;
}

setInterval(showStatus, 500);
requestAnimationFrame(play);
start();
