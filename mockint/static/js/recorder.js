// The question screen's recorder: it follows the timer, and the recording goes
// in the answer form's file input, so the rating and the audio reach the server
// in one post and are kept together or not at all. Without this script (or a
// microphone) the form works as before, unrecorded.

import { AnswerRecorder, sayCannotRecord, supportedFormat } from "./recording.js";

const root = document.getElementById("recorder");
const timer = document.getElementById("timer");
const form = document.getElementById("answer-form");
const input = form?.querySelector("[data-recording-input]");

const format = supportedFormat();
if (root && timer && form && input && format) {
  const toggle = timer.querySelector("[data-timer-toggle]");
  const recorder = new AnswerRecorder(
    root,
    format,
    () => toggle.getAttribute("aria-pressed") === "true",
  );
  timer.addEventListener("timer:start", () => recorder.start());
  timer.addEventListener("timer:stop", () => recorder.pause());
  let sending = false;
  form.addEventListener("submit", async (event) => {
    if (sending || !recorder.hasRecording) return;
    event.preventDefault();
    sending = true;
    const button = form.querySelector('button[type="submit"]');
    button.setAttribute("aria-busy", "true");
    button.disabled = true;
    recorder.say("Saving the recording with your rating…");
    const file = await recorder.finish();
    if (file.size > recorder.maxBytes) {
      recorder.say("The recording is too large to keep (over 16 MB); your rating is sent without it.");
    } else {
      const files = new DataTransfer();
      files.items.add(file);
      input.files = files.files;
    }
    recorder.closeMicrophone();
    form.submit();
  });
} else if (root && !format) {
  sayCannotRecord(root);
}
