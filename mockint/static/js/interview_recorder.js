// The candidate's recorder in a friend interview: each question's answer is
// recorded while the interviewer's clock runs on it (as interview_live.js hears
// from the server), kept in this page, and sent when the interview ends, to join
// the answer the interviewer rated. Only the candidate ever hears them.

import { AnswerRecorder, sayCannotRecord, supportedFormat } from "./recording.js";

const root = document.getElementById("recorder");
const live = document.querySelector("[data-live]");
const csrfToken = document.querySelector('meta[name="csrf-token"]')?.content ?? "";

class InterviewRecorder {
  constructor(element, liveElement, format) {
    this.uploadUrl = element.dataset.uploadUrl;
    this.position = Number(liveElement.dataset.position);
    const clock = liveElement.querySelector("[data-live-elapsed]");
    this.running = clock?.dataset.running === "true";
    this.recorder = new AnswerRecorder(element, format, () => this.running);
    this.finished = new Map(); // position -> the File of its answer
    liveElement.addEventListener("interview:clock", (event) => this.follow(event.detail));
    liveElement.addEventListener("interview:leaving", (event) => {
      if (event.detail.status === "ended") event.detail.pending.push(this.send());
    });
    if (this.running) this.recorder.start();
  }

  async follow({ position, running }) {
    if (position !== this.position) {
      // The next question: what was recorded belongs to the one left.
      await this.keep(this.position);
      this.position = position;
    }
    this.running = running;
    if (running) this.recorder.start();
    else this.recorder.pause();
  }

  async keep(position) {
    if (!this.recorder.hasRecording) return;
    const file = await this.recorder.finish();
    if (file.size) this.finished.set(position, file);
  }

  async send() {
    await this.keep(this.position);
    this.recorder.closeMicrophone();
    if (!this.finished.size) return;
    this.recorder.say("Saving your recorded answers…");
    for (const [position, file] of this.finished) {
      const body = new FormData();
      body.set("position", String(position));
      body.set("recording", file);
      // A failure leaves that answer unrecorded; the summary lists what was kept.
      await fetch(this.uploadUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": csrfToken },
        body,
      }).catch(() => {});
    }
  }
}

const format = supportedFormat();
if (root && live && format) {
  new InterviewRecorder(root, live, format);
} else if (root && !format) {
  sayCannotRecord(root);
}
