import { useState } from "preact/hooks";

type Theme = "system" | "light" | "dark";
const NEXT: Record<Theme, Theme> = { system: "light", light: "dark", dark: "system" };
const LABEL: Record<Theme, string> = { system: "Theme: system", light: "Theme: light", dark: "Theme: dark" };

function saved(): Theme {
  try {
    const value = localStorage.getItem("fb-theme");
    return value === "light" || value === "dark" ? value : "system";
  } catch {
    return "system";
  }
}

/** Light and dark follow prefers-color-scheme; this button pins one (kept in localStorage). */
export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(saved);
  const next = () => {
    const value = NEXT[theme];
    setTheme(value);
    try {
      if (value === "system") localStorage.removeItem("fb-theme");
      else localStorage.setItem("fb-theme", value);
    } catch {
      // storage may be blocked: the choice then lasts for this page only
    }
    if (value === "system") delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = value;
  };
  return (
    <button type="button" class="ghost" onClick={next} title="Switch between system, light and dark themes">
      {LABEL[theme]}
    </button>
  );
}
