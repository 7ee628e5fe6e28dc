// The share page's "Copy the link" button.

const source = document.querySelector("[data-copy-source]");
const button = document.querySelector("[data-copy-button]");
const status = document.querySelector("[data-copy-status]");

if (source && button) {
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(source.value);
      status.textContent = "Copied. Paste it into a message to your interviewer.";
    } catch {
      source.focus();
      source.select();
      status.textContent = "Selected: press Ctrl+C (or ⌘+C) to copy.";
    }
  });
}
