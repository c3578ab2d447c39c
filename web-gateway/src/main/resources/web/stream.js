// The streamer: the camera at the current fps and JPEG quality to the gateway, the live video
// shown at once, and the filter drawn over it from the newest answer at hand. The gateway decides
// the capture settings from how the frames fare ("quality" messages); the page applies them.
// stream.html?model=NAME asks the job for one of its own image models (a detector or a
// classifier) instead of its first, and draws that model's objects and classes over the video.
// stream.html?mode=landmarks finds the face in the page (facefinder.js) and sends its six
// keypoints instead of the JPEG, as a phone does: far less to send, and no image for the job.
'use strict';

/** How far past its frame's capture an answer is carried at the job's velocities, then held. */
const HORIZON_MS = 100;
/**
 * How far back from the newest answer's frame the page's own velocity fit reaches, for anchors the
 * job sent no velocity for (a session's first frames, or the first after a gap): three answers at
 * 30 fps, as frame-source's AnchorTrack.
 */
const FIT_WINDOW_MS = 67;
/** How old past its frame's capture the newest answer may be and still be drawn, fading from the horizon. */
const FADE_OUT_MS = 300;
/** Frames the socket may have queued before the page skips one rather than fall behind. */
const MAX_BUFFERED_BYTES = 512 * 1024;

const video = document.getElementById('video');
const overlay = document.getElementById('overlay');
const capture = document.createElement('canvas');

/** What the page knows, for its status panel and for anyone reading window.driftless. */
/** The page's address options (stream.html?fps=10&quality=0.7&model=NAME&mode=landmarks). */
const query = new URLSearchParams(location.search);
const LANDMARK_MODE = query.get('mode') === 'landmarks';

const stats = window.driftless = {
  state: 'starting', sessionId: null, viewUrl: null,
  quality: { fps: setting('fps', 30, 1, 30), jpegQuality: setting('quality', 0.8, 0.1, 1), scale: 1,
    width: 640, height: 480 },
  /** The gateway's quality messages, newest last. */
  qualityChanges: [],
  /** The deadline the job holds this session's frames to, as the gateway's first message says. */
  deadlineMs: 33,
  sent: 0, skipped: 0, answered: 0, onTime: 0, dropped: 0, refused: 0, dropsByReason: {},
  rttMs: [], sentTimes: [], answerTimes: [],
  /** The newest answer's anchors in capture pixels, and the frame they belong to. */
  overlay: null,
  /** How many video frames were drawn with the filter on them. */
  drawnWithFilter: 0,
  /** 'jpeg' (the default) or 'landmarks' (stream.html?mode=landmarks). */
  mode: LANDMARK_MODE ? 'landmarks' : 'jpeg',
  /** The image model the frames ask for (stream.html?model=NAME); null: the job's first. */
  model: LANDMARK_MODE ? null : query.get('model') || null,
  /** Landmark mode: the newest face the page found (keypoints in capture pixels), the time each search took. */
  face: null, noFace: 0, detectMs: [],
  /** With a model named: the newest answer's objects and classes in its frame's pixels. */
  objects: null,
  /** How many video frames were drawn with a model's objects or classes on them. */
  drawnWithObjects: 0,
};

/** A capture setting from the address (stream.html?fps=10&quality=0.7), within its bounds. */
function setting(name, fallback, min, max) {
  const value = Number(query.get(name));
  return value ? Math.min(max, Math.max(min, value)) : fallback;
}

/** The newest answers: their frame's capture and anchors as fractions of that frame's size. */
const recentAnswers = [];
const pending = new Map();
/** Landmark mode's face detector, and whether it is busy with the previous capture. */
let finder = null;
let finding = false;
/** The size each frame was sent at, until its coordinates come: the quality may change it. */
const frameSizes = new Map();
let socket = null;
let seq = 0;

async function session() {
  let token = location.hash.slice(1);
  if (!token) {
    const response = await fetch('/api/sessions', { method: 'POST' });
    const body = await response.json();
    if (!response.ok) {
      throw new Error(body.error || response.statusText);
    }
    token = body.cameraToken;
    history.replaceState(null, '', '#' + token);
    stats.viewUrl = body.viewUrl;
  }
  // the session id is the token's subject; the token itself is checked by the gateway
  stats.sessionId = sessionOf(token);
  return token;
}

async function start() {
  try {
    const token = await session();
    document.getElementById('session').textContent = 'session ' + stats.sessionId;
    if (stats.viewUrl) {
      const link = document.getElementById('viewLink');
      link.href = stats.viewUrl;
      link.hidden = false;
    }
    if (stats.mode === 'landmarks') {
      await loadScript('ort/ort.wasm.min.js');
      await loadScript('facefinder.js');
      finder = await FaceFinder.load('models/face_detection_short_range.onnx');
    }
    const stream = await navigator.mediaDevices.getUserMedia({
      video: { width: { ideal: 640 }, height: { ideal: 480 } }, audio: false });
    video.srcObject = stream;
    await video.play();
    resize();
    connect(token);
  } catch (e) {
    fail(e.message || String(e));
  }
}

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = resolve;
    script.onerror = () => reject(new Error('cannot load ' + src));
    document.head.appendChild(script);
  });
}

function connect(token) {
  socket = new WebSocket(socketUrl('/ws/camera', token));
  socket.binaryType = 'arraybuffer';
  socket.onopen = () => { stats.state = 'streaming'; tick(); };
  socket.onmessage = (event) => { if (typeof event.data === 'string') { answer(JSON.parse(event.data)); } };
  socket.onclose = (event) => {
    stats.state = 'closed';
    fail('the gateway closed the connection (' + event.code + (event.reason ? ': ' + event.reason : '') + ')');
  };
}

/** The capture canvas at the video's size times the current scale: what the frames are sent at. */
function resize() {
  capture.width = Math.round(video.videoWidth * stats.quality.scale);
  capture.height = Math.round(video.videoHeight * stats.quality.scale);
  stats.quality.width = capture.width;
  stats.quality.height = capture.height;
}

/** One capture per 1/fps, measured from the last, so a slow encode never bunches frames up. */
function tick() {
  if (socket.readyState !== WebSocket.OPEN) {
    return;
  }
  const started = performance.now();
  if (socket.bufferedAmount > MAX_BUFFERED_BYTES || finding) {
    stats.skipped++;
  } else if (finder) {
    sendLandmarks();
  } else {
    send();
  }
  const period = 1000 / stats.quality.fps;
  setTimeout(tick, Math.max(0, period - (performance.now() - started)));
}

function send() {
  const captureUs = nowUs();
  capture.getContext('2d').drawImage(video, 0, 0, capture.width, capture.height);
  const frame = ++seq;
  const width = capture.width;
  const height = capture.height;
  capture.toBlob((jpeg) => {
    if (!jpeg || socket.readyState !== WebSocket.OPEN) {
      return;
    }
    const sendUs = nowUs();
    socket.send(JSON.stringify({
      seq: frame, captureTimeUs: captureUs, sendTimeUs: sendUs, width, height,
      kind: 'jpeg', fps: stats.quality.fps, jpegQuality: stats.quality.jpegQuality, model: stats.model,
    }));
    socket.send(jpeg);
    pending.set(frame, captureUs);
    frameSizes.set(frame, { width, height });
    stats.sent++;
    stats.sentTimes.push(performance.now());
  }, 'image/jpeg', stats.quality.jpegQuality);
}

/** Landmark mode: finds the face in this capture and sends its keypoints; no face, no frame. */
async function sendLandmarks() {
  finding = true;
  try {
    const captureUs = nowUs();
    const width = capture.width;
    const height = capture.height;
    capture.getContext('2d').drawImage(video, 0, 0, width, height);
    const started = performance.now();
    const face = await finder.find(capture, width, height);
    stats.detectMs.push(performance.now() - started);
    if (stats.detectMs.length > 300) {
      stats.detectMs.shift();
    }
    if (!face) {
      stats.noFace++;
      return;
    }
    if (socket.readyState !== WebSocket.OPEN) {
      return;
    }
    stats.face = { keypoints: face.keypoints, width, height };
    const frame = ++seq;
    socket.send(JSON.stringify({
      seq: frame, captureTimeUs: captureUs, sendTimeUs: nowUs(), width, height,
      kind: 'landmarks', keypoints: face.keypoints, fps: stats.quality.fps,
    }));
    pending.set(frame, captureUs);
    frameSizes.set(frame, { width, height });
    stats.sent++;
    stats.sentTimes.push(performance.now());
  } catch (e) {
    fail('the face detector failed: ' + (e.message || e));
  } finally {
    finding = false;
  }
}

function answer(message) {
  const captureUs = pending.get(message.seq);
  switch (message.type) {
    case 'session':
      stats.deadlineMs = message.deadlineMs;
      break;
    case 'coordinates': {
      // anchors are in the pixels of the frame as sent, whose size the quality may have changed since
      const size = frameSizes.get(message.seq) || { width: capture.width, height: capture.height };
      for (const frame of frameSizes.keys()) {
        if (frame <= message.seq) {
          frameSizes.delete(frame);
        }
      }
      if (stats.mode === 'landmarks') {
        // a landmark frame's answer is its coordinates; an image frame's is its annotated frame
        settle(message.seq, captureUs);
        stats.answered++;
      }
      // the newest frame's answer wins; an older one arriving late never moves the filter back
      if (!stats.overlay || message.seq > stats.overlay.seq) {
        remember(recentAnswers, message.captureTimeUs, message.anchors, size);
        stats.overlay = {
          seq: message.seq, captureUs: message.captureTimeUs, anchors: message.anchors,
          velocities: message.velocities || {}, receivedAt: performance.now(), width: size.width, height: size.height,
        };
        stats.overlay.fitted = fitMotion(recentAnswers, stats.overlay);
      }
      break;
    }
    case 'annotated':
      settle(message.seq, captureUs);
      stats.answered++;
      if (stats.model && (!stats.objects || message.seq > stats.objects.seq)) {
        stats.objects = {
          seq: message.seq, captureUs: message.captureTimeUs, width: message.width, height: message.height,
          detections: message.detections, classes: message.classes,
        };
      }
      break;
    case 'quality':
      stats.quality.fps = message.fps;
      stats.quality.jpegQuality = message.jpegQuality;
      stats.quality.scale = message.scale;
      stats.qualityChanges.push(message);
      resize();
      break;
    case 'dropped':
    case 'refused':
      settle(message.seq, captureUs);
      stats[message.type]++;
      stats.dropsByReason[message.reason] = (stats.dropsByReason[message.reason] || 0) + 1;
      break;
  }
}

function settle(frame, captureUs) {
  if (frameSizes.size > 300) {
    frameSizes.delete(frameSizes.keys().next().value);
  }
  if (captureUs === undefined) {
    return;
  }
  pending.delete(frame);
  const rtt = (nowUs() - captureUs) / 1000;
  stats.rttMs.push(rtt);
  if (stats.rttMs.length > 300) {
    stats.rttMs.shift();
  }
  stats.answerTimes.push(performance.now());
  if (rtt <= stats.deadlineMs) {
    stats.onTime++;
  }
}

/** The live video is the video element itself; this draws only the filter, every display frame. */
function draw() {
  const ctx = overlay.getContext('2d');
  ctx.clearRect(0, 0, overlay.width, overlay.height);
  if (stats.overlay) {
    ctx.save();
    ctx.scale(overlay.width / stats.overlay.width, overlay.height / stats.overlay.height);
    // the video shows the camera now: carry the answer from its frame's capture to now
    const ageMs = (nowUs() - stats.overlay.captureUs) / 1000;
    ctx.globalAlpha = Math.max(0, Math.min(1, (FADE_OUT_MS - ageMs) / (FADE_OUT_MS - HORIZON_MS)));
    if (ctx.globalAlpha > 0 && drawFilter(ctx, carried(stats.overlay, Math.max(0, Math.min(ageMs, HORIZON_MS)) / 1000))) {
      stats.drawnWithFilter++;
    }
    ctx.restore();
  }
  // objects are not carried: drawn where the model found them until the answer is too old
  if (stats.objects && (nowUs() - stats.objects.captureUs) / 1000 < FADE_OUT_MS) {
    ctx.save();
    ctx.scale(overlay.width / stats.objects.width, overlay.height / stats.objects.height);
    if (drawObjects(ctx, stats.objects) > 0) {
      stats.drawnWithObjects++;
    }
    ctx.restore();
  }
  requestAnimationFrame(draw);
}

/**
 * The overlay's anchors {@code seconds} past its frame: at the job's velocities; for an anchor
 * without one, along the page's own fit through the newest answers; as answered when neither is known.
 */
function carried(answer, seconds) {
  const anchors = {};
  for (const [name, xy] of Object.entries(answer.anchors)) {
    const v = answer.velocities[name];
    const line = answer.fitted && answer.fitted[name];
    anchors[name] = v ? [xy[0] + v[0] * seconds, xy[1] + v[1] * seconds]
      : line ? [line.at[0] + line.v[0] * seconds, line.at[1] + line.v[1] * seconds]
        : xy;
  }
  return anchors;
}

/** Keeps an answer for the velocity fit, as fractions of its frame's size: the capture size may change between frames. */
function remember(answers, captureUs, anchors, size) {
  const scaled = {};
  for (const [name, xy] of Object.entries(anchors)) {
    scaled[name] = [xy[0] / size.width, xy[1] / size.height];
  }
  answers.push({ captureUs, anchors: scaled });
  answers.sort((a, b) => a.captureUs - b.captureUs);
  const newest = answers[answers.length - 1].captureUs;
  while (newest - answers[0].captureUs > FIT_WINDOW_MS * 1000) {
    answers.shift();
  }
}

/**
 * For each anchor of {@code answer} that the job sent no velocity for, the least-squares line
 * through the remembered answers of the last FIT_WINDOW_MS before it: {at: [x, y] at the answer's
 * capture, v: [vx, vy] in its frame's pixels per second}. Fewer than two answers give no line.
 */
function fitMotion(answers, answer) {
  const fitted = {};
  const inWindow = answers.filter(a => a.captureUs <= answer.captureUs
    && answer.captureUs - a.captureUs <= FIT_WINDOW_MS * 1000);
  for (const name of Object.keys(answer.anchors)) {
    if (answer.velocities[name]) {
      continue;
    }
    const points = inWindow.filter(a => a.anchors[name])
      .map(a => ({ t: (a.captureUs - answer.captureUs) / 1e6, x: a.anchors[name][0] * answer.width,
        y: a.anchors[name][1] * answer.height }));
    if (points.length < 2) {
      continue;
    }
    const n = points.length;
    const meanT = points.reduce((sum, p) => sum + p.t, 0) / n;
    const meanX = points.reduce((sum, p) => sum + p.x, 0) / n;
    const meanY = points.reduce((sum, p) => sum + p.y, 0) / n;
    const stt = points.reduce((sum, p) => sum + (p.t - meanT) ** 2, 0);
    if (stt === 0) {
      continue;
    }
    const vx = points.reduce((sum, p) => sum + (p.t - meanT) * (p.x - meanX), 0) / stt;
    const vy = points.reduce((sum, p) => sum + (p.t - meanT) * (p.y - meanY), 0) / stt;
    fitted[name] = { at: [meanX - vx * meanT, meanY - vy * meanT], v: [vx, vy] };
  }
  return fitted;
}

function perSecond(times) {
  const now = performance.now();
  while (times.length && now - times[0] > 1000) {
    times.shift();
  }
  return times.length;
}

function showStatus() {
  const q = stats.quality;
  text('state', stats.state);
  text('mode', stats.mode === 'landmarks'
    ? 'landmarks, face found in the page in ' + percentile(stats.detectMs, 50).toFixed(1) + ' ms (p50)'
      + (stats.noFace ? ', no face in ' + stats.noFace : '')
    : 'JPEG frames');
  text('model', stats.mode === 'landmarks' ? 'the pose model' : stats.model || "the job's first");
  text('capture', q.width + '×' + q.height + ' · ' + q.fps + ' fps · JPEG ' + q.jpegQuality);
  const change = stats.qualityChanges[stats.qualityChanges.length - 1];
  text('quality', change ? change.reason : 'as started');
  text('fps', perSecond(stats.sentTimes) + ' / ' + perSecond(stats.answerTimes));
  text('rtt', percentile(stats.rttMs, 50).toFixed(1) + ' / ' + percentile(stats.rttMs, 95).toFixed(1) + ' ms');
  const decided = stats.answered + stats.dropped;
  text('deadline', stats.deadlineMs + ' ms');
  text('ontime', decided ? (100 * stats.onTime / decided).toFixed(1) + ' %' : '–');
  text('counts', stats.sent + ' · ' + stats.answered + ' · ' + (stats.dropped + stats.refused));
  text('drops', Object.entries(stats.dropsByReason).map(([r, n]) => r + ' ' + n).join('\n') || 'none');
}

function text(id, value) {
  document.getElementById(id).textContent = value;
}

function fail(message) {
  stats.error = message;
  document.getElementById('message').textContent = message;
}

setInterval(showStatus, 500);
requestAnimationFrame(draw);
start();
