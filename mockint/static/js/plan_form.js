// A visitor has no stored time zone yet: read the interview's date and time in
// the browser's zone, and say so under the time. (Profiles keep theirs in sync
// through timezone.js, which reloads this page when it changes.)

const form = document.querySelector("form.plan-form[data-browser-zone]");
const field = form?.querySelector('input[name="zone"]');
let browserZone = "";
try {
  browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
} catch {
  browserZone = "";
}

if (field && browserZone) {
  field.value = browserZone;
  const help = document.getElementById("time-help");
  if (help) {
    help.textContent = `Your time zone: ${browserZone}.`;
  }
}
