import "./styles.css";
import { type ComponentType, render } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { fetchMe, setCsrfToken, setUnauthorizedHandler, signInUrl, signOut } from "./api";
import { clearDrafts } from "./draft";
import { SHORTCUTS, useShortcuts } from "./keys";
import { type Outage, retryDelay, useNow } from "./poll";
import { Link, matchRoute, navigate, usePath } from "./router";
import { useSessionRefresh } from "./session";
import { ThemeToggle } from "./theme";
import type { Me } from "./types";
import { OutageBanner } from "./views/common";
import { IncidentDetailView } from "./views/detail";
import { IncidentListView } from "./views/list";
import { useZoneMode, ZoneToggle } from "./zone";

/** A view loaded on first use (no preact/compat needed for this one job). */
function lazyView<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let loaded: ComponentType<P> | null = null;
  return (props: P) => {
    const [View, setView] = useState<ComponentType<P> | null>(() => loaded);
    const [failed, setFailed] = useState<string | null>(null);
    useEffect(() => {
      if (View) return;
      load().then(
        (component) => {
          loaded = component;
          setView(() => component);
        },
        (error: Error) => setFailed(error.message),
      );
    }, [View]);
    if (failed) return <p role="alert">This page could not be loaded ({failed}). Reload to try again.</p>;
    return View ? <View {...props} /> : <p aria-live="polite">Loading…</p>;
  };
}

// Loaded on demand: the Markdown renderer and the charts stay out of the first-load JavaScript.
const PostmortemView = lazyView(() => import("./views/postmortem").then((m) => m.PostmortemView));
const MetricsView = lazyView(() => import("./views/metrics").then((m) => m.MetricsView));
const IgnoredAlarmsView = lazyView(() => import("./views/ignored").then((m) => m.IgnoredAlarmsView));
const OnCallView = lazyView(() => import("./views/oncall").then((m) => m.OnCallView));
const MaintenanceView = lazyView(() => import("./views/maintenance").then((m) => m.MaintenanceView));
const ActionItemsView = lazyView(() => import("./views/action-items").then((m) => m.ActionItemsView));
const ServiceView = lazyView(() => import("./views/service").then((m) => m.ServiceView));
const MaintenanceDetailView = lazyView(() =>
  import("./views/maintenance").then((m) => m.MaintenanceDetailView),
);

// The public status page needs no sign-in: rendered without the session check.
const StatusView = lazyView(() => import("./views/status").then((m) => m.StatusView));

const NEXT_KEY = "fb-next";
const SIGNED_OUT_KEY = "fb-signed-out";

function SignIn() {
  const [href, setHref] = useState<string | null>(null);
  useEffect(() => {
    void signInUrl().then((url) => {
      setHref(url);
      // Locally the dev sign-in page is one click away: go there, unless the user just signed out.
      if (url.endsWith("/auth/dev") && !sessionStorage.getItem(SIGNED_OUT_KEY)) location.assign(url);
    });
  }, []);
  return (
    <main id="main" class="signin">
      <h1>Firebreak</h1>
      <p>Sign in to see and respond to incidents.</p>
      {href ? (
        <a class="button primary" href={href} onClick={() => sessionStorage.removeItem(SIGNED_OUT_KEY)}>
          {href.endsWith("/auth/dev") ? "Sign in (local demo users)" : "Sign in with Slack"}
        </a>
      ) : (
        <p aria-live="polite">Checking how to sign in…</p>
      )}
    </main>
  );
}

/** `?`: the keyboard shortcuts, in a modal dialog (Esc closes it, focus returns where it was). */
function ShortcutsHelp() {
  const dialog = useRef<HTMLDialogElement>(null);
  const open = () => {
    if (!dialog.current?.open) dialog.current?.showModal();
  };
  useShortcuts({ "?": open });
  return (
    <>
      <button
        type="button"
        class="ghost shortcuts-button"
        aria-label="Keyboard shortcuts"
        title="Keyboard shortcuts (?)"
        onClick={open}
      >
        ?
      </button>
      <dialog ref={dialog} class="shortcuts" aria-labelledby="shortcuts-title">
        <h2 id="shortcuts-title">Keyboard shortcuts</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Where</th>
              <th scope="col">Does</th>
            </tr>
          </thead>
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.keys}>
                <td>
                  <kbd>{s.keys}</kbd>
                </td>
                <td>{s.where}</td>
                <td>{s.does}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <form method="dialog">
          <button type="submit">Close</button>
        </form>
      </dialog>
    </>
  );
}

function Header({ me }: { me: Me }) {
  const path = usePath();
  const current = (match: boolean) => (match ? ("page" as const) : undefined);
  const logout = async () => {
    sessionStorage.setItem(SIGNED_OUT_KEY, "1");
    clearDrafts();
    try {
      await signOut();
    } finally {
      location.assign("/");
    }
  };
  return (
    <header class="top">
      <a class="skip" href="#main">
        Skip to content
      </a>
      <Link href="/" class="brand">
        Firebreak
      </Link>
      <nav aria-label="Main">
        <Link href="/" aria-current={current(path === "/" || path.startsWith("/incidents"))}>
          Incidents
        </Link>
        <Link href="/metrics" aria-current={current(path === "/metrics")}>
          Metrics
        </Link>
        <Link href="/alarms/ignored" aria-current={current(path === "/alarms/ignored")}>
          Ignored alarms
        </Link>
        <Link href="/oncall" aria-current={current(path === "/oncall")}>
          On call
        </Link>
        <Link href="/maintenance" aria-current={current(path.startsWith("/maintenance"))}>
          Maintenance
        </Link>
        <Link href="/action-items" aria-current={current(path === "/action-items")}>
          Action items
        </Link>
      </nav>
      <div class="account">
        {me.user ? (
          <span class="who">
            {me.user.name} <span class="muted">({me.role})</span>
          </span>
        ) : null}
        <ShortcutsHelp />
        <ZoneToggle />
        <ThemeToggle />
        {me.user ? (
          <button type="button" class="ghost" onClick={logout}>
            Sign out
          </button>
        ) : null}
      </div>
    </header>
  );
}

function Routes({ me }: { me: Me }) {
  const path = usePath();
  const route = matchRoute(path);
  useEffect(() => {
    const next = sessionStorage.getItem(NEXT_KEY);
    if (next) {
      sessionStorage.removeItem(NEXT_KEY);
      if (next !== "/") navigate(next, true);
    }
  }, []);
  // After an in-app navigation, move focus to the new page (screen readers announce it; the next
  // Tab starts from the content, not from the link that was clicked).
  const firstRender = useRef(true);
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    document.getElementById("main")?.focus();
  }, [path]);
  const canAct = me.role !== "viewer";
  let view: preact.ComponentChild;
  switch (route.name) {
    case "list":
      view = <IncidentListView canAct={canAct} {...(me.user ? { personId: me.user.id } : {})} />;
      break;
    case "incident":
      view = <IncidentDetailView id={route.id} canAct={canAct} />;
      break;
    case "postmortem":
      view = <PostmortemView id={route.id} canAct={canAct} />;
      break;
    case "metrics":
      view = <MetricsView />;
      break;
    case "ignored":
      view = <IgnoredAlarmsView />;
      break;
    case "oncall":
      view = (
        <OnCallView
          canAct={canAct}
          admin={me.role === "admin"}
          {...(me.user ? { personId: me.user.id } : {})}
        />
      );
      break;
    case "maintenance":
      view = <MaintenanceView canAct={canAct} />;
      break;
    case "action-items":
      view = <ActionItemsView canAct={canAct} />;
      break;
    case "maintenance-window":
      view = <MaintenanceDetailView id={route.id} />;
      break;
    case "service":
      view = <ServiceView name={route.service} />;
      break;
    default:
      view = (
        <section>
          <h1>Not found</h1>
          <p>
            There is no page at this address. <Link href="/">Open incidents</Link>
          </p>
        </section>
      );
  }
  return (
    <main id="main" tabIndex={-1}>
      {view}
    </main>
  );
}

function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  // The first request failing is not the end: retry with backoff until the API answers.
  const [outage, setOutage] = useState<Outage | null>(null);
  const [attempt, setAttempt] = useState(0);
  const failures = useRef(0);
  const now = useNow();
  // Switching between local time and UTC re-renders every view (they format through format.ts).
  useZoneMode();
  useEffect(() => {
    // A session that expires mid-incident: come back to this page after signing in (drafts are kept).
    setUnauthorizedHandler(() => {
      if (location.pathname !== "/") sessionStorage.setItem(NEXT_KEY, location.pathname + location.search);
      setMe(null);
    });
    const startedAt = Date.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    fetchMe()
      .then((value) => {
        setCsrfToken(value?.csrfToken ?? null);
        if (!value && location.pathname !== "/")
          sessionStorage.setItem(NEXT_KEY, location.pathname + location.search);
        setOutage(null);
        setMe(value);
      })
      .catch((e: Error) => {
        failures.current++;
        const wait = retryDelay(failures.current);
        setOutage((was) => ({ since: was?.since ?? startedAt, retryAt: Date.now() + wait, error: e }));
        timer = setTimeout(() => setAttempt((n) => n + 1), wait);
      });
    return () => clearTimeout(timer);
  }, [attempt]);
  useSessionRefresh(me?.session, (session) => setMe((was) => (was ? { ...was, session } : was)));
  if (outage && me === undefined)
    return (
      <main id="main" class="signin">
        <h1>Firebreak</h1>
        <OutageBanner outage={outage} checkedAt={null} now={now} onRetry={() => setAttempt((n) => n + 1)} />
      </main>
    );
  if (me === undefined) return <p aria-live="polite">Loading…</p>;
  if (me === null) return <SignIn />;
  return (
    <>
      <Header me={me} />
      <Routes me={me} />
    </>
  );
}

const isStatusPage = /^\/status\/?$/.test(location.pathname);
render(isStatusPage ? <StatusView /> : <App />, document.getElementById("app")!);
