// The DynamoDB Local watchdog: `node dynamo-watchdog.mjs <java pid> [grace ms]`.
//
// dynamo-local.ts starts it next to the JVM with a pipe on its stdin whose write end only the
// runtime holds. However the runtime ends (a clean stop, a crash, `kill -9`), the kernel closes that
// end, and this process reads EOF: then it stops the JVM (SIGTERM, SIGKILL after the grace period)
// and exits. It also exits by itself when the JVM is gone. Plain JavaScript, no imports: it starts
// in a few tens of milliseconds and needs nothing but the node binary that runs the runtime.

const pid = Number(process.argv[2]);
const graceMs = Number(process.argv[3] ?? 3000);
if (!Number.isInteger(pid) || pid <= 0) {
  console.error(`dynamo-watchdog: expected the JVM's pid, got ${process.argv[2]}`);
  process.exit(2);
}

function alive() {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}

// Ctrl-C and a closed terminal signal the whole process group: the runtime handles those and stops
// the JVM itself, then its exit closes the pipe. Until then this process stays, in case the runtime
// is killed while stopping.
process.on("SIGINT", () => undefined);
process.on("SIGHUP", () => undefined);

const poll = setInterval(() => {
  if (!alive()) process.exit(0);
}, 1000);

let orphaned = false;
function stopJvm() {
  if (orphaned) return;
  orphaned = true;
  clearInterval(poll);
  if (!alive()) process.exit(0);
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    process.exit(0);
  }
  const deadline = Date.now() + graceMs;
  setInterval(() => {
    if (!alive()) process.exit(0);
    if (Date.now() >= deadline) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // gone between the check and the kill
      }
      process.exit(0);
    }
  }, 100);
}

process.stdin.on("data", () => undefined);
process.stdin.on("end", stopJvm);
process.stdin.on("close", stopJvm);
process.stdin.on("error", stopJvm);
process.stdin.resume();
