// The recorded answer's player: play and pause, 1x/1.25x/1.5x, and seeking on
// the waveform the server drew, by pointer or keyboard (a slider). Without this
// script the browser's own audio controls show instead.

import { formatSeconds } from "./durations.js";

const STEP_SECONDS = 5;

class AnswerPlayer {
  constructor(element) {
    this.audio = element.querySelector("[data-player-audio]");
    this.play = element.querySelector("[data-player-play]");
    this.wave = element.querySelector("[data-player-wave]");
    this.played = element.querySelector("[data-player-played]");
    this.time = element.querySelector("[data-player-time]");
    this.speeds = [...element.querySelectorAll("[data-player-speed]")];
    this.width = this.wave.viewBox.baseVal.width;
    // The server measured it; a browser may not know until the file has loaded.
    this.knownDuration = Number(element.dataset.duration);

    this.audio.controls = false;
    element.querySelector("[data-player-controls]").hidden = false;

    this.play.addEventListener("click", () => this.toggle());
    for (const button of this.speeds) {
      button.addEventListener("click", () => this.setSpeed(button));
    }
    this.wave.addEventListener("click", (event) => this.seekToPointer(event));
    this.wave.addEventListener("keydown", (event) => this.seekByKey(event));
    for (const name of ["timeupdate", "play", "pause", "ended", "seeked", "loadedmetadata"]) {
      this.audio.addEventListener(name, () => this.render());
    }
    this.render();
  }

  get duration() {
    const own = this.audio.duration;
    return Number.isFinite(own) && own > 0 ? own : this.knownDuration;
  }

  toggle() {
    if (this.audio.paused) {
      this.audio.play().catch(() => {});
    } else {
      this.audio.pause();
    }
  }

  setSpeed(chosen) {
    this.audio.playbackRate = Number(chosen.dataset.playerSpeed);
    // Keep the speed when the browser resets it on load.
    this.audio.defaultPlaybackRate = this.audio.playbackRate;
    for (const button of this.speeds) {
      button.setAttribute("aria-pressed", String(button === chosen));
    }
  }

  seek(seconds) {
    this.audio.currentTime = Math.max(0, Math.min(seconds, this.duration));
    this.render();
  }

  seekToPointer(event) {
    const box = this.wave.getBoundingClientRect();
    if (!box.width) return;
    this.seek(((event.clientX - box.left) / box.width) * this.duration);
  }

  seekByKey(event) {
    const now = this.audio.currentTime;
    const moves = {
      ArrowLeft: now - STEP_SECONDS,
      ArrowDown: now - STEP_SECONDS,
      ArrowRight: now + STEP_SECONDS,
      ArrowUp: now + STEP_SECONDS,
      PageDown: now - 6 * STEP_SECONDS,
      PageUp: now + 6 * STEP_SECONDS,
      Home: 0,
      End: this.duration,
    };
    if (event.key in moves) {
      event.preventDefault();
      this.seek(moves[event.key]);
    } else if (event.key === " " || event.key === "Enter") {
      event.preventDefault();
      this.toggle();
    }
  }

  render() {
    const duration = this.duration;
    const now = Math.min(this.audio.currentTime, duration);
    const share = duration ? now / duration : 0;
    this.played.setAttribute("width", String(share * this.width));
    // The whole length rounded, as the page states it; the position counts up
    // and reaches it at the end.
    const total = Math.round(duration);
    const position = this.audio.ended ? total : now;
    const label = `${formatSeconds(position)} / ${formatSeconds(total)}`;
    this.time.textContent = label;
    this.wave.setAttribute("aria-valuenow", String(Math.round(now)));
    this.wave.setAttribute(
      "aria-valuetext",
      `${formatSeconds(position)} of ${formatSeconds(total)}`,
    );
    const playing = !this.audio.paused && !this.audio.ended;
    this.play.firstChild.textContent = playing ? "Pause" : "Play";
  }
}

for (const element of document.querySelectorAll("[data-player]")) {
  new AnswerPlayer(element);
}
