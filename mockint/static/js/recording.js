// Recording a spoken answer while a clock runs: the switch, the microphone and
// its level meter, MediaRecorder paused and resumed with the clock, and the audio
// handed over as a file. The question screen (recorder.js) and the candidate's
// screen of a friend interview (interview_recorder.js) use it.

const csrfToken = document.querySelector('meta[name="csrf-token"]')?.content ?? "";

// What MediaRecorder makes, best first: Opus in WebM (Chromium, Firefox), AAC in
// MP4 (Safari). The server accepts exactly these.
const FORMATS = [
  ["audio/webm;codecs=opus", "audio/webm", "webm"],
  ["audio/webm", "audio/webm", "webm"],
  ["audio/mp4;codecs=mp4a.40.2", "audio/mp4", "m4a"],
  ["audio/mp4", "audio/mp4", "m4a"],
];

export function supportedFormat() {
  if (typeof window.MediaRecorder !== "function" || !navigator.mediaDevices?.getUserMedia) {
    return null;
  }
  return FORMATS.find(([mimeType]) => MediaRecorder.isTypeSupported(mimeType)) ?? null;
}

function problemMessage(error) {
  if (error?.name === "NotAllowedError" || error?.name === "SecurityError") {
    return "The microphone was not allowed, so this answer is not recorded. Allow it in the browser's site settings to record.";
  }
  if (error?.name === "NotFoundError" || error?.name === "OverconstrainedError") {
    return "No microphone was found, so this answer is not recorded.";
  }
  return "The microphone could not be started, so this answer is not recorded.";
}

export class AnswerRecorder {
  // `isRunning` says whether the clock runs now: recording follows it.
  constructor(element, format, isRunning) {
    this.element = element;
    this.isRunning = isRunning;
    this.format = format;
    this.toggle = element.querySelector("[data-recorder-toggle]");
    this.meterBox = element.querySelector("[data-recorder-meter]");
    this.meter = element.querySelector("[data-recorder-level]");
    this.status = element.querySelector("[data-recorder-status]");
    this.maxSeconds = Number(element.dataset.maxSeconds);
    this.maxBytes = Number(element.dataset.maxBytes);
    this.stream = null;
    this.recorder = null;
    this.chunks = [];
    this.recordedMs = 0;
    this.resumedAt = null;
    this.toggle.addEventListener("change", () => this.choose(this.toggle.checked));
    element.hidden = false;
    if (this.toggle.checked) this.openMicrophone();
  }

  get wanted() {
    return this.toggle.checked;
  }

  get hasRecording() {
    return this.recorder !== null && this.recorder.state !== "inactive";
  }

  say(message) {
    this.status.textContent = message;
  }

  async choose(on) {
    const body = new FormData();
    if (on) body.set("records_answers", "y");
    fetch(this.element.dataset.choiceUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken },
      body,
    }).catch(() => {});
    if (on) {
      if (await this.openMicrophone()) {
        this.say(this.element.dataset.onMessage);
        if (this.isRunning()) this.start();
      }
    } else {
      this.discard();
      this.closeMicrophone();
      this.say("Recording is off.");
    }
  }

  async openMicrophone() {
    if (this.stream) return true;
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (error) {
      this.say(problemMessage(error));
      return false;
    }
    this.showLevel();
    return true;
  }

  closeMicrophone() {
    this.stream?.getTracks().forEach((track) => track.stop());
    this.stream = null;
    this.audioContext?.close();
    this.audioContext = null;
    this.meterBox.hidden = true;
  }

  // The level meter: loudness of the microphone, so a silent one shows at once.
  showLevel() {
    const AudioContextClass = window.AudioContext || window.webkitAudioContext;
    if (!AudioContextClass) return;
    this.audioContext = new AudioContextClass();
    const analyser = this.audioContext.createAnalyser();
    analyser.fftSize = 1024;
    this.audioContext.createMediaStreamSource(this.stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    this.meterBox.hidden = false;
    const draw = () => {
      if (!this.audioContext) return;
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const sample of samples) sum += sample * sample;
      const rms = Math.sqrt(sum / samples.length);
      // 60 dB of range, as the server's waveform uses.
      const level = Math.max(0, Math.min(1, (20 * Math.log10(rms || 1e-6) + 60) / 60));
      this.meter.value = level;
      window.requestAnimationFrame(draw);
    };
    draw();
  }

  async start() {
    if (!this.wanted || !(await this.openMicrophone())) return;
    if (this.recorder?.state === "paused") {
      this.recorder.resume();
      this.resumedAt = performance.now();
      this.say("Recording again.");
      return;
    }
    if (this.recorder) return;
    this.chunks = [];
    this.recordedMs = 0;
    this.recorder = new MediaRecorder(this.stream, { mimeType: this.format[0] });
    this.recorder.addEventListener("dataavailable", (event) => {
      if (event.data.size) this.chunks.push(event.data);
    });
    this.recorder.start(1000);
    this.resumedAt = performance.now();
    this.limitTimer = window.setInterval(() => this.checkLength(), 1000);
    this.say("Recording your answer.");
  }

  get lengthMs() {
    const running = this.recorder?.state === "recording" ? performance.now() - this.resumedAt : 0;
    return this.recordedMs + running;
  }

  pause() {
    if (this.recorder?.state !== "recording") return;
    this.recordedMs = this.lengthMs;
    this.recorder.pause();
    this.say(this.element.dataset.pausedMessage);
  }

  checkLength() {
    if (this.recorder?.state === "recording" && this.lengthMs / 1000 >= this.maxSeconds) {
      this.pause();
      this.say(`Recording stopped at its longest, ${this.maxSeconds / 60} minutes; the clock runs on.`);
    }
  }

  discard() {
    window.clearInterval(this.limitTimer);
    if (this.recorder && this.recorder.state !== "inactive") this.recorder.stop();
    this.recorder = null;
    this.chunks = [];
  }

  // Stop for good and hand over the audio as a file; the next start records anew.
  finish() {
    window.clearInterval(this.limitTimer);
    const recorder = this.recorder;
    this.recorder = null;
    const chunks = this.chunks;
    this.chunks = [];
    return new Promise((resolve) => {
      recorder.addEventListener(
        "stop",
        () => {
          const [, type, extension] = this.format;
          resolve(new File(chunks, `answer.${extension}`, { type: recorder.mimeType || type }));
        },
        { once: true },
      );
      recorder.stop();
    });
  }
}

// Say why there is no switch rather than leave a reader wondering.
export function sayCannotRecord(element) {
  element.hidden = false;
  element.querySelector(".recorder-choice").hidden = true;
  element.querySelector("[data-recorder-status]").textContent =
    "This browser cannot record audio here, so answers are not recorded.";
}
