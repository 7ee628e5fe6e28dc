// Follows a friend interview live: polls the interview's small JSON state with
// the version this page has (answered 304 while nothing changed), about once a
// second, every five seconds while the tab is hidden, and updates the screen.
// The clock runs locally from the last state, so it ticks smoothly between polls.

import { formatSeconds } from "./durations.js";

const root = document.querySelector("[data-live]");

const VISIBLE_EVERY_MS = 1000;
const HIDDEN_EVERY_MS = 5000;

class LiveInterview {
  constructor(element) {
    this.element = element;
    this.url = element.dataset.stateUrl;
    this.role = element.dataset.role;
    this.version = Number(element.dataset.version);
    this.status = element.dataset.status;
    this.progress = element.querySelector("[data-live-progress]");
    this.text = element.querySelector("[data-live-text]");
    this.listen = element.querySelector("[data-live-listen]");
    this.elapsed = element.querySelector("[data-live-elapsed]");
    this.target = element.querySelector("[data-live-target]");
    this.overtime = element.querySelector("[data-live-overtime]");
    this.runningLabel = element.querySelector("[data-live-running]");
    this.notice = element.querySelector("[data-live-notice]");
    this.targetSeconds = null;
    if (this.elapsed) {
      this.setClock(Number(this.elapsed.dataset.elapsed), this.elapsed.dataset.running === "true");
    }
    this.timeout = null;
    this.failures = 0;
    document.addEventListener("visibilitychange", () => {
      if (!document.hidden) this.pollSoon(0);
    });
    // The interviewer's own changes arrive with their fresh state: adopt it, so
    // they are not mistaken for another window's.
    document.addEventListener("interview:adopt", (event) => this.apply(event.detail, true));
    window.setInterval(() => this.renderClock(), 250);
    this.pollSoon(VISIBLE_EVERY_MS);
  }

  setClock(elapsedSeconds, running) {
    this.baseSeconds = elapsedSeconds;
    this.running = running;
    this.receivedAt = performance.now();
    this.renderClock();
  }

  get seconds() {
    const extra = this.running ? (performance.now() - this.receivedAt) / 1000 : 0;
    return this.baseSeconds + extra;
  }

  renderClock() {
    if (!this.elapsed) return;
    const seconds = this.seconds;
    this.elapsed.textContent = formatSeconds(seconds);
    if (this.runningLabel) this.runningLabel.textContent = this.running ? "running" : "stopped";
    if (this.overtime && this.targetSeconds !== null) {
      this.overtime.hidden = seconds <= this.targetSeconds;
    }
  }

  say(message) {
    if (this.notice) this.notice.textContent = message;
  }

  pollSoon(delay) {
    window.clearTimeout(this.timeout);
    this.timeout = window.setTimeout(() => this.poll(), delay);
  }

  async poll() {
    let next = document.hidden ? HIDDEN_EVERY_MS : VISIBLE_EVERY_MS;
    try {
      const response = await fetch(this.url, {
        headers: { Accept: "application/json", "If-None-Match": `"v${this.version}"` },
        cache: "no-store",
        credentials: "same-origin",
      });
      if (response.status === 404) {
        this.say("This interview is no longer available here. Reload the page.");
        return; // revoked or expired: stop asking
      }
      if (response.status === 200) this.apply(await response.json(), false);
      if (this.failures) this.say("");
      this.failures = 0;
    } catch {
      this.failures += 1;
      this.say("Connection lost: reconnecting…");
      next = Math.min(HIDDEN_EVERY_MS, VISIBLE_EVERY_MS * (this.failures + 1));
    }
    this.pollSoon(next);
  }

  apply(state, ours) {
    if (!state || typeof state.version !== "number" || this.leaving) return;
    if (state.version < this.version) return; // an older answer arriving late
    if (!ours && document.documentElement.dataset.interviewSending === "true") return;
    const moved = state.status !== this.status || state.position !== this.position();
    this.version = state.version;
    this.element.dataset.version = String(state.version);
    // A page with nothing typed on it may follow a change of status by reloading.
    if (this.role === "candidate" || ours || this.status === "ready") {
      if (state.status !== this.status) {
        this.leave(state.status); // began or ended: the page itself changes
        return;
      }
    } else if (moved) {
      this.say("The interview moved on in another window. Reload this page to follow it.");
    } else {
      this.say("The interview changed in another window.");
    }
    this.render(state);
  }

  // Reload once whatever must finish first has (the candidate's recordings
  // going up when the interview ends).
  leave(status) {
    this.leaving = true;
    const pending = [];
    this.element.dispatchEvent(
      new CustomEvent("interview:leaving", { detail: { status, pending } }),
    );
    Promise.allSettled(pending).then(() => window.location.reload());
  }

  position() {
    return Number(this.element.dataset.position || "0");
  }

  render(state) {
    if (state.timer) this.setClock(state.timer.elapsed, state.timer.running);
    if (this.role !== "candidate") return;
    this.element.dataset.position = String(state.position);
    // The recorder (interview_recorder.js) follows the question and its clock.
    this.element.dispatchEvent(
      new CustomEvent("interview:clock", {
        detail: { position: state.position, running: Boolean(state.timer?.running) },
      }),
    );
    this.targetSeconds = state.target_seconds;
    if (this.progress) this.progress.textContent = `Question ${state.position} of ${state.count}`;
    if (this.target && state.target_seconds !== null) {
      this.target.textContent = formatSeconds(state.target_seconds);
    }
    if (this.text && this.listen) {
      const shown = state.text !== null;
      this.text.textContent = shown ? state.text : "";
      this.text.hidden = !shown;
      this.listen.hidden = shown;
    }
    document.title = `Question ${state.position} of ${state.count} · mockint`;
  }
}

if (root) {
  const live = new LiveInterview(root);
  live.targetSeconds = root.dataset.targetSeconds ? Number(root.dataset.targetSeconds) : null;
  document.documentElement.dataset.liveReady = "true";
}
