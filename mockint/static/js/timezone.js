// Tell the server the browser's time zone, so dates and "due today" are local.
// Runs only for a profile (the body carries its stored zone) and only on change.

const stored = document.body.dataset.timezone;
const endpoint = document.body.dataset.timezoneUrl;
const token = document.querySelector('meta[name="csrf-token"]')?.content;
let browserZone = "";
try {
  browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
} catch {
  browserZone = "";
}

if (stored && endpoint && token && browserZone && browserZone !== stored) {
  fetch(endpoint, {
    method: "POST",
    credentials: "same-origin",
    headers: {
      "X-CSRFToken": token,
      Accept: "application/json",
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ timezone: browserZone }),
  })
    .then((response) => {
      // Reload once so the dates on this page use the new zone.
      if (response.ok && document.body.dataset.timezoneReload === "true") {
        window.location.reload();
      }
    })
    .catch(() => {});
}
