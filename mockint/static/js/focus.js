// Focus the page's main next step without scrolling to it, so Enter continues
// while the reader still sees the top of the page.
const target = document.querySelector("[data-focus-first]");
if (target) target.focus({ preventScroll: true });
