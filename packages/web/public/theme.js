// Applies the saved theme before first paint (no flash); the header's toggle changes it.
(() => {
  try {
    const saved = localStorage.getItem("fb-theme");
    if (saved === "light" || saved === "dark") document.documentElement.dataset.theme = saved;
  } catch {
    // storage blocked: follow prefers-color-scheme
  }
})();
