// The question screen's timer and keyboard shortcuts.
// Elapsed time is computed from performance.now() timestamps, never by counting
// ticks, so it stays exact when the tab is hidden and intervals are throttled.

import { formatSeconds } from "./durations.js";

const root = document.getElementById("timer");
const form = document.getElementById("answer-form");

function spokenDuration(totalSeconds) {
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = Math.floor(totalSeconds % 60);
  const parts = [];
  if (minutes) parts.push(`${minutes} minute${minutes === 1 ? "" : "s"}`);
  if (seconds || !minutes) parts.push(`${seconds} second${seconds === 1 ? "" : "s"}`);
  return parts.join(" ");
}

// The page's timer and note survive a reload or an accidental navigation: both
// are kept in sessionStorage under this question's address until it is submitted.
const draftKey = `mockint:draft:${window.location.pathname}`;

function loadDraft() {
  try {
    return JSON.parse(window.sessionStorage.getItem(draftKey) || "null");
  } catch {
    return null;
  }
}

function saveDraft(draft) {
  try {
    window.sessionStorage.setItem(draftKey, JSON.stringify(draft));
  } catch {
    // Storage full or disabled: the page still works, only without drafts.
  }
}

function clearDraft() {
  try {
    window.sessionStorage.removeItem(draftKey);
  } catch {
    // Nothing to clear.
  }
}

class QuestionTimer {
  constructor(element, initialSeconds) {
    this.element = element;
    this.targetSeconds = Number(element.dataset.targetSeconds);
    this.display = element.querySelector("[data-timer-elapsed]");
    this.overtimeLabel = element.querySelector("[data-timer-overtime]");
    this.progress = element.querySelector("[data-timer-progress]");
    this.announcer = element.querySelector("[data-timer-announcer]");
    this.button = element.querySelector("[data-timer-toggle]");
    this.accumulatedMs = initialSeconds * 1000;
    this.startedAt = null;
    this.lastAnnouncedMinute = Math.floor(initialSeconds / 60);
    this.overtimeAnnounced = initialSeconds > this.targetSeconds;
    this.button.addEventListener("click", () => this.toggle());
    document.addEventListener("visibilitychange", () => this.render());
    this.render();
  }

  get running() {
    return this.startedAt !== null;
  }

  get elapsedSeconds() {
    const runningMs = this.running ? performance.now() - this.startedAt : 0;
    return (this.accumulatedMs + runningMs) / 1000;
  }

  get everStarted() {
    return this.running || this.accumulatedMs > 0;
  }

  toggle() {
    if (this.running) this.stop();
    else this.start();
  }

  // Wall-clock form of the state, for a draft that outlives this page.
  snapshot() {
    return {
      accumulatedMs: this.running
        ? this.accumulatedMs + (performance.now() - this.startedAt)
        : this.accumulatedMs,
      runningSince: this.running ? Date.now() : null,
    };
  }

  restore(snapshot) {
    const away = snapshot.runningSince ? Math.max(0, Date.now() - snapshot.runningSince) : 0;
    this.accumulatedMs = Number(snapshot.accumulatedMs) + away;
    this.lastAnnouncedMinute = Math.floor(this.accumulatedMs / 60000);
    this.overtimeAnnounced = this.accumulatedMs / 1000 > this.targetSeconds;
    if (snapshot.runningSince) this.start();
    else this.render();
  }

  start() {
    if (this.running) return;
    this.startedAt = performance.now();
    this.interval = setInterval(() => this.render(), 250);
    // The recorder (recorder.js) follows the timer.
    this.element.dispatchEvent(new CustomEvent("timer:start"));
    this.announce("Timer started");
    this.render();
  }

  stop() {
    if (!this.running) return;
    this.accumulatedMs += performance.now() - this.startedAt;
    this.startedAt = null;
    clearInterval(this.interval);
    this.element.dispatchEvent(new CustomEvent("timer:stop"));
    this.announce(`Timer stopped at ${spokenDuration(this.elapsedSeconds)}`);
    this.render();
  }

  announce(message) {
    // Clearing first makes screen readers repeat an identical message.
    this.announcer.textContent = "";
    window.setTimeout(() => {
      this.announcer.textContent = message;
    }, 50);
  }

  render() {
    const elapsed = this.elapsedSeconds;
    const overtime = elapsed > this.targetSeconds;
    this.display.textContent = formatSeconds(elapsed);
    this.progress.value = Math.min(elapsed, this.targetSeconds);
    this.element.classList.toggle("is-overtime", overtime);
    this.overtimeLabel.hidden = !overtime;
    if (overtime) {
      this.overtimeLabel.textContent = `overtime +${formatSeconds(elapsed - this.targetSeconds)}`;
    }
    this.button.textContent = this.running
      ? "Stop timer"
      : this.everStarted
        ? "Resume timer"
        : "Start timer";
    this.button.setAttribute("aria-pressed", String(this.running));
    if (!this.running) return;
    if (overtime && !this.overtimeAnnounced) {
      this.overtimeAnnounced = true;
      this.announce("Target time reached. You are now in overtime.");
      return;
    }
    const minute = Math.floor(elapsed / 60);
    if (minute > this.lastAnnouncedMinute) {
      this.lastAnnouncedMinute = minute;
      this.announce(`${spokenDuration(minute * 60)} elapsed`);
    }
  }
}

function isTyping(target) {
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) {
    return true;
  }
  return (
    target instanceof HTMLInputElement && !["radio", "checkbox"].includes(target.type)
  );
}

function hasOwnKeyAction(target) {
  return target instanceof HTMLButtonElement || target instanceof HTMLAnchorElement;
}

if (root && form) {
  const elapsedInput = form.querySelector("[data-timer-elapsed-input]");
  const initial = Number.parseFloat(elapsedInput.value) || 0;
  const timer = new QuestionTimer(root, initial);
  const note = form.querySelector("textarea");
  const draft = loadDraft();
  if (draft) {
    if (!initial && draft.timer) timer.restore(draft.timer);
    if (note && !note.value && draft.note) note.value = draft.note;
  }
  root.hidden = false;
  document.getElementById("shortcuts").hidden = false;

  const keepDraft = () => saveDraft({ timer: timer.snapshot(), note: note ? note.value : "" });
  window.addEventListener("pagehide", keepDraft);
  if (note) note.addEventListener("input", keepDraft);
  timer.button.addEventListener("click", keepDraft);

  form.addEventListener("submit", () => {
    timer.stop();
    if (timer.everStarted) elapsedInput.value = timer.elapsedSeconds.toFixed(1);
    window.removeEventListener("pagehide", keepDraft);
    clearDraft();
  });

  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.isComposing) return;
    const target = event.target;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
      return;
    }
    if (event.ctrlKey || event.metaKey || isTyping(target)) return;
    if (event.key === " " && !hasOwnKeyAction(target)) {
      event.preventDefault();
      timer.toggle();
      keepDraft();
    } else if (["1", "2", "3", "4"].includes(event.key)) {
      const radio = form.querySelector(`input[name="rating"][value="${event.key}"]`);
      if (radio) {
        event.preventDefault();
        radio.checked = true;
        radio.focus();
        const label = form.querySelector(`label[for="${radio.id}"]`);
        timer.announce(`Rated ${label ? label.textContent.trim() : event.key}`);
      }
    } else if (event.key === "Enter" && !hasOwnKeyAction(target)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
}
