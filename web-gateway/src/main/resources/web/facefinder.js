// Landmark mode's face detector, in the page: the job's own BlazeFace short-range model
// (models/face/face_detection_short_range.onnx) run by ONNX Runtime Web's WebAssembly backend on
// each captured frame, decoded as the job's FaceDetectionAdapter does it: letterbox to 128 x 128,
// RGB in [-1, 1], SSD anchors, sigmoid scores, weighted non-max suppression, and back through the
// letterbox. The page then sends the best face's six keypoints instead of the JPEG, as a phone does.
'use strict';

const FACE_INPUT = 128;
const FACE_MIN_SCORE = 0.5;
const FACE_MIN_IOU = 0.3;
const FACE_SCORE_CLIPPING = 100;

/** Anchor centres (x, y in [0, 1]) of BlazeFace short range: strides 8, 16, 16, 16; 896 anchors. */
const FACE_ANCHORS = (() => {
  const anchors = [];
  // one 16 x 16 map with 2 anchors per cell, then the three stride-16 layers sharing an 8 x 8 map
  for (const [cells, perCell] of [[16, 2], [8, 6]]) {
    for (let row = 0; row < cells; row++) {
      for (let col = 0; col < cells; col++) {
        for (let a = 0; a < perCell; a++) {
          anchors.push([(col + 0.5) / cells, (row + 0.5) / cells]);
        }
      }
    }
  }
  return anchors;
})();

class FaceFinder {

  /** Loads the model; ONNX Runtime Web's files are served by the gateway under ort/. */
  static async load(modelUrl) {
    ort.env.wasm.wasmPaths = new URL('ort/', location.href).href;
    // threads need a cross-origin isolated page; one is plenty for a 128 x 128 detector
    ort.env.wasm.numThreads = 1;
    const session = await ort.InferenceSession.create(modelUrl, { executionProviders: ['wasm'] });
    return new FaceFinder(session);
  }

  constructor(session) {
    this.session = session;
    this.canvas = document.createElement('canvas');
    this.canvas.width = FACE_INPUT;
    this.canvas.height = FACE_INPUT;
    this.input = new Float32Array(FACE_INPUT * FACE_INPUT * 3);
  }

  /**
   * The best face in source (a video or canvas of width x height pixels): its score, box and six
   * keypoints as [x, y] in source pixels (BlazeFace order); null when there is none.
   */
  async find(source, width, height) {
    const scale = FACE_INPUT / Math.max(width, height);
    const padX = (FACE_INPUT - width * scale) / 2;
    const padY = (FACE_INPUT - height * scale) / 2;
    const ctx = this.canvas.getContext('2d', { willReadFrequently: true });
    ctx.fillStyle = 'black';
    ctx.fillRect(0, 0, FACE_INPUT, FACE_INPUT);
    ctx.drawImage(source, padX, padY, width * scale, height * scale);
    const rgba = ctx.getImageData(0, 0, FACE_INPUT, FACE_INPUT).data;
    for (let i = 0, j = 0; i < rgba.length; i += 4) {
      this.input[j++] = rgba[i] / 127.5 - 1;
      this.input[j++] = rgba[i + 1] / 127.5 - 1;
      this.input[j++] = rgba[i + 2] / 127.5 - 1;
    }
    const outputs = await this.session.run(
        { input: new ort.Tensor('float32', this.input, [1, FACE_INPUT, FACE_INPUT, 3]) });
    const face = bestFace(outputs.regressors.data, outputs.classificators.data);
    if (!face) {
      return null;
    }
    const toX = (x) => (x * FACE_INPUT - padX) / scale;
    const toY = (y) => (y * FACE_INPUT - padY) / scale;
    return {
      score: face.score,
      box: [toX(face.box[0]), toY(face.box[1]), toX(face.box[2]), toY(face.box[3])],
      keypoints: face.keypoints.map(([x, y]) => [toX(x), toY(y)]),
    };
  }
}

/** The best face's cluster, averaged by score (MediaPipe's weighted NMS, first cluster only). */
function bestFace(regressors, logits) {
  const candidates = [];
  for (let a = 0; a < FACE_ANCHORS.length; a++) {
    const logit = Math.max(-FACE_SCORE_CLIPPING, Math.min(FACE_SCORE_CLIPPING, logits[a]));
    const score = 1 / (1 + Math.exp(-logit));
    if (!(score >= FACE_MIN_SCORE)) {
      continue;
    }
    const [ax, ay] = FACE_ANCHORS[a];
    const r = a * 16;
    const cx = regressors[r] / FACE_INPUT + ax;
    const cy = regressors[r + 1] / FACE_INPUT + ay;
    const w = regressors[r + 2] / FACE_INPUT;
    const h = regressors[r + 3] / FACE_INPUT;
    const keypoints = [];
    for (let k = 0; k < 6; k++) {
      keypoints.push([regressors[r + 4 + 2 * k] / FACE_INPUT + ax, regressors[r + 5 + 2 * k] / FACE_INPUT + ay]);
    }
    candidates.push({ score, box: [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], keypoints });
  }
  if (candidates.length === 0) {
    return null;
  }
  const best = candidates.reduce((a, b) => (b.score > a.score ? b : a));
  const cluster = candidates.filter((c) => iou(c.box, best.box) > FACE_MIN_IOU);
  if (cluster.length === 0) {
    return best;
  }
  const total = cluster.reduce((sum, c) => sum + c.score, 0);
  const mean = (pick) => cluster.reduce((sum, c) => sum + pick(c) * c.score, 0) / total;
  return {
    score: best.score,
    box: [0, 1, 2, 3].map((i) => mean((c) => c.box[i])),
    keypoints: [0, 1, 2, 3, 4, 5].map((k) => [mean((c) => c.keypoints[k][0]), mean((c) => c.keypoints[k][1])]),
  };
}

function iou(a, b) {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) {
    return 0;
  }
  const intersection = w * h;
  const union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - intersection;
  return union > 0 ? intersection / union : 0;
}
