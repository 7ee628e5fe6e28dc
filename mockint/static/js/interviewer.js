// The interviewer's screen: clock and reveal without reloading, scores saved
// as they are ticked, and the question screen's keyboard keys. Every change is
// posted with the interview version this page holds and the CSRF token in a
// header; the answer's fresh state is handed to interview_live.js.

const scoreForm = document.getElementById("score-form");
const controls = document.querySelectorAll("form[data-control]");
const saveStatus = document.querySelector("[data-save-status]");
const csrfToken = document.querySelector('meta[name="csrf-token"]').content;

function versionInputs() {
  return document.querySelectorAll("[data-version-input]");
}

function adopt(state) {
  for (const input of versionInputs()) input.value = String(state.version);
  const timerButton = document.querySelector('button[data-action="timer"]');
  if (timerButton && state.timer) {
    timerButton.textContent = state.timer.running ? "Stop the clock" : "Start the clock";
    timerButton.setAttribute("aria-pressed", String(state.timer.running));
  }
  document.dispatchEvent(new CustomEvent("interview:adopt", { detail: state }));
}

// Changes go out one at a time, in order, each with the version the last left.
let queue = Promise.resolve();
let pending = 0;

function setPending(change) {
  pending += change;
  // interview_live.js leaves polled states alone meanwhile: they may be ours.
  document.documentElement.dataset.interviewSending = pending > 0 ? "true" : "";
}

function send(form, fields) {
  setPending(1);
  const run = async () => {
    const body = new URLSearchParams(new FormData(form));
    for (const [name, value] of Object.entries(fields)) body.set(name, value);
    body.set("version", versionInputs()[0].value);
    body.delete("csrf_token");
    try {
      // Not form.action: the form's own "action" field shadows that property.
      const response = await fetch(form.getAttribute("action"), {
        method: "POST",
        body,
        headers: { Accept: "application/json", "X-CSRFToken": csrfToken },
        credentials: "same-origin",
      });
      if (response.status === 404) {
        window.location.reload(); // the link was revoked or expired
        return null;
      }
      const answer = await response.json();
      if (!response.ok) {
        if (answer.state) adopt(answer.state);
        throw new Error(answer.error || "Not saved.");
      }
      adopt(answer);
      return answer;
    } finally {
      setPending(-1);
    }
  };
  queue = queue.then(run, run);
  return queue;
}

function say(message) {
  if (saveStatus) saveStatus.textContent = message;
}

for (const form of controls) {
  form.addEventListener("submit", async (event) => {
    const action = form.querySelector('input[name="action"]').value;
    if (action === "begin") return; // the page itself changes: a normal post
    event.preventDefault();
    try {
      await send(form, {});
      if (action === "reveal") {
        const note = document.createElement("p");
        note.className = "muted small";
        note.textContent = "The question is shown on the candidate's screen.";
        form.replaceWith(note);
      }
    } catch (error) {
      say(error.message);
    }
  });
}

if (scoreForm) {
  let typingTimer = null;
  const autosave = async () => {
    window.clearTimeout(typingTimer);
    say("Saving…");
    try {
      await send(scoreForm, { action: "save" });
      say("Saved.");
    } catch (error) {
      say(error.message);
    }
  };
  scoreForm.addEventListener("change", (event) => {
    if (event.target instanceof HTMLInputElement) autosave();
  });
  const feedback = scoreForm.querySelector("textarea");
  if (feedback) {
    feedback.addEventListener("input", () => {
      window.clearTimeout(typingTimer);
      typingTimer = window.setTimeout(autosave, 1500);
    });
  }
  // Moving on is a normal post (the page changes), but only once the saves in
  // flight are done, so it carries the version they left.
  let waited = false;
  scoreForm.addEventListener("submit", async (event) => {
    window.clearTimeout(typingTimer);
    if (waited || pending === 0) return;
    event.preventDefault();
    const submitter = event.submitter;
    await queue.catch(() => {});
    waited = true;
    scoreForm.requestSubmit(submitter);
  });

  const timerButton = document.querySelector('button[data-action="timer"]');
  const isTyping = (target) =>
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement ||
    (target instanceof HTMLInputElement && !["radio", "checkbox"].includes(target.type));
  const hasOwnKeyAction = (target) =>
    target instanceof HTMLButtonElement || target instanceof HTMLAnchorElement;
  const moveOn = () => {
    const button = scoreForm.querySelector("[data-default-action]");
    if (button) scoreForm.requestSubmit(button);
  };

  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.isComposing) return;
    const target = event.target;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      moveOn();
      return;
    }
    if (event.ctrlKey || event.metaKey || isTyping(target)) return;
    if (event.key === " " && !hasOwnKeyAction(target) && timerButton) {
      event.preventDefault();
      timerButton.closest("form").requestSubmit();
    } else if (["1", "2", "3", "4"].includes(event.key)) {
      const radio = scoreForm.querySelector(`input[name="rating"][value="${event.key}"]`);
      if (radio) {
        event.preventDefault();
        radio.checked = true;
        radio.focus();
        autosave();
      }
    } else if (event.key === "Enter" && !hasOwnKeyAction(target)) {
      event.preventDefault();
      moveOn();
    }
  });
  const shortcuts = document.getElementById("shortcuts");
  if (shortcuts) shortcuts.hidden = false;
}

document.documentElement.dataset.interviewerReady = "true";
