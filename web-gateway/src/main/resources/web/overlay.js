// The AR filter, as frame-source's ArOverlay draws it: dog ears standing on the ear tips,
// leaning outwards, and round glasses either side of the bridge of the nose.
'use strict';

const EARS = 'rgb(139, 90, 43)';
const EARS_INNER = 'rgb(240, 170, 170)';
const GLASSES = 'rgb(20, 20, 20)';

/** Draws onto ctx, anchors by name as [x, y] in ctx pixels; false when an anchor is missing. */
function drawFilter(ctx, anchors) {
  const right = anchors.right_ear_tip;
  const left = anchors.left_ear_tip;
  const bridge = anchors.glasses_bridge;
  if (!right || !left || !bridge) {
    return false;
  }
  const size = Math.hypot(left[0] - right[0], left[1] - right[1]);
  if (!(size > 1)) {
    return false;
  }
  // unit vector from the right ear to the left one, and "up" for the head (y grows down)
  const ux = (left[0] - right[0]) / size;
  const uy = (left[1] - right[1]) / size;
  ear(ctx, right, -ux, -uy, uy, -ux, size);
  ear(ctx, left, ux, uy, uy, -ux, size);
  const offset = size * 0.2;
  const radius = size * 0.13;
  ctx.strokeStyle = GLASSES;
  ctx.lineWidth = Math.max(2, size / 40);
  const r = [bridge[0] - ux * offset, bridge[1] - uy * offset];
  const l = [bridge[0] + ux * offset, bridge[1] + uy * offset];
  ctx.beginPath();
  ctx.arc(r[0], r[1], radius, 0, 2 * Math.PI);
  ctx.moveTo(l[0] + radius, l[1]);
  ctx.arc(l[0], l[1], radius, 0, 2 * Math.PI);
  ctx.moveTo(r[0] + ux * radius, r[1] + uy * radius);
  ctx.lineTo(l[0] - ux * radius, l[1] - uy * radius);
  ctx.stroke();
  return true;
}

function ear(ctx, at, outX, outY, upX, upY, size) {
  const half = size * 0.16;
  const height = size * 0.38;
  triangle(ctx, EARS, [at[0] - outX * half, at[1] - outY * half], [at[0] + outX * half, at[1] + outY * half],
      [at[0] + upX * height + outX * half, at[1] + upY * height + outY * half]);
  triangle(ctx, EARS_INNER, [at[0] - outX * half * 0.5, at[1] - outY * half * 0.5],
      [at[0] + outX * half * 0.5, at[1] + outY * half * 0.5],
      [at[0] + upX * height * 0.7 + outX * half * 0.7, at[1] + upY * height * 0.7 + outY * half * 0.7]);
}

function triangle(ctx, colour, a, b, c) {
  ctx.fillStyle = colour;
  ctx.beginPath();
  ctx.moveTo(a[0], a[1]);
  ctx.lineTo(b[0], b[1]);
  ctx.lineTo(c[0], c[1]);
  ctx.closePath();
  ctx.fill();
}

/** Object boxes' colours by class index, as the job's annotator and frame-source draw them. */
const CLASS_COLOURS = ['#00E000', '#FF3030', '#3090FF', '#FFD000', '#FF40FF', '#00E0E0', '#FF8000', '#A060FF'];
const CLASS_TEXT = '#FFFF00';

/**
 * Draws a user model's answer onto ctx, in the pixels of the frame it answered: each detected
 * object's box in its class's colour with its label and score above it, and a classifier's top
 * classes in the top-left corner. Returns how many things it drew.
 */
function drawObjects(ctx, answer) {
  const line = Math.max(12, Math.round(answer.height / 32));
  ctx.font = line + 'px sans-serif';
  ctx.textBaseline = 'bottom';
  ctx.lineWidth = Math.max(2, answer.width / 240);
  for (const d of answer.detections) {
    const colour = CLASS_COLOURS[((d.classId % CLASS_COLOURS.length) + CLASS_COLOURS.length) % CLASS_COLOURS.length];
    const [x0, y0, x1, y1] = d.box;
    ctx.strokeStyle = colour;
    ctx.strokeRect(x0, y0, x1 - x0, y1 - y0);
    caption(ctx, d.label + ' ' + d.score.toFixed(2), x0, Math.max(line, y0 - 2), colour);
  }
  answer.classes.forEach((c, i) => caption(ctx, c.label + ' ' + c.score.toFixed(2), 4, (i + 1) * (line + 2), CLASS_TEXT));
  return answer.detections.length + answer.classes.length;
}

/** Text over a dark shadow, so that it reads on light and dark frames alike. */
function caption(ctx, text, x, y, colour) {
  ctx.fillStyle = 'black';
  ctx.fillText(text, x + 1, y + 1);
  ctx.fillStyle = colour;
  ctx.fillText(text, x, y);
}

/** The p-th percentile (0..100) of numbers, or 0 when there are none. */
function percentile(values, p) {
  if (values.length === 0) {
    return 0;
  }
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** The page's clock in microseconds since the epoch (sub-millisecond where the browser allows). */
function nowUs() {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

/** The session a token is for (its subject; not secret), or null when it cannot be read. */
function sessionOf(token) {
  try {
    return JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).sub || null;
  } catch (e) {
    return null;
  }
}

/**
 * A socket's address. The session rides beside the token so that a proxy in front of several
 * gateway instances can send a session's camera and viewers to one instance by it; the gateway
 * itself goes by the token alone.
 */
function socketUrl(path, token) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const session = sessionOf(token);
  return scheme + '//' + location.host + path + '?token=' + encodeURIComponent(token)
    + (session ? '&session=' + encodeURIComponent(session) : '');
}
