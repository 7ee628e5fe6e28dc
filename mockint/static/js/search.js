// The home page's search box: as the user types, hide the field cards that do
// not match and show matching questions from the server. Without JavaScript the
// form goes to the search page instead.

const form = document.querySelector("form[data-live-search]");
const WAIT_MS = 250;

if (form) {
  const input = form.querySelector('input[type="search"]');
  const results = document.getElementById("search-results");
  const cards = Array.from(document.querySelectorAll(".field-card[data-search-text]"));
  const groups = Array.from(document.querySelectorAll(".field-group"));
  let timer = null;
  let latest = 0;

  const filterCards = (words) => {
    for (const card of cards) {
      card.hidden = words !== "" && !card.dataset.searchText.includes(words);
    }
    for (const group of groups) {
      group.hidden = !group.querySelector(".field-card:not([hidden])");
    }
  };

  const showQuestions = async (words) => {
    const asked = ++latest;
    if (!words) {
      results.replaceChildren();
      return;
    }
    const url = `${form.dataset.liveSearch}?${new URLSearchParams({ q: words, fragment: "1" })}`;
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (!response.ok || asked !== latest) return;
      const html = await response.text();
      // Server-rendered and escaped by Jinja, from our own origin.
      const fragment = document.createRange().createContextualFragment(html);
      results.replaceChildren(fragment);
    } catch {
      // Offline: the field cards are still filtered; the form still submits.
    }
  };

  form.dataset.liveReady = "true";
  input.addEventListener("input", () => {
    const words = input.value.trim().toLowerCase();
    filterCards(words);
    clearTimeout(timer);
    timer = setTimeout(() => showQuestions(words), WAIT_MS);
  });
}
