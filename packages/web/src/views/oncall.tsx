import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import { formatTime } from "../format";
import type { TeamOnCall } from "../types";
import { ErrorNote } from "./common";

/** Who is on call now and next, per team and escalation level (GET /api/oncall). */
export function OnCallView() {
  const [teams, setTeams] = useState<TeamOnCall[] | null>(null);
  const [error, setError] = useState<Error | null>(null);
  useEffect(() => {
    api.teamsOnCall().then(setTeams, (e: unknown) => setError(e as Error));
  }, []);
  return (
    <section aria-labelledby="oncall-title">
      <h1 id="oncall-title">On call</h1>
      <p class="muted">
        Who each team's escalation policy pages now, level by level, and who takes over next.
      </p>
      <ErrorNote error={error} />
      {teams === null && !error ? <p aria-busy="true">Loading…</p> : null}
      {teams && teams.length === 0 ? <p>The on-call directory has no teams yet.</p> : null}
      {teams?.map((team) => (
        <section key={team.id} class="card" aria-labelledby={`team-${team.id}`} data-team={team.id}>
          <h2 id={`team-${team.id}`}>
            {team.name} <span class="muted">({team.services.join(", ")})</span>
          </h2>
          <table class="oncall">
            <thead>
              <tr>
                <th scope="col">Level</th>
                <th scope="col">Now</th>
                <th scope="col">Next</th>
              </tr>
            </thead>
            <tbody>
              {team.levels.map((level) => (
                <tr key={level.level}>
                  <td>{level.level}</td>
                  <td class="now">
                    {level.now.length ? (
                      level.now.map((p) => (
                        <div key={p.personId}>
                          <strong>{p.name}</strong>
                          {p.until ? (
                            <span class="muted">
                              {" "}
                              until <time dateTime={p.until}>{formatTime(p.until)}</time>
                            </span>
                          ) : null}
                        </div>
                      ))
                    ) : (
                      <span class="muted">nobody ({level.nobody ?? "no targets"})</span>
                    )}
                  </td>
                  <td class="next">
                    {level.next ? (
                      <>
                        {level.next.people.map((p) => p.name).join(", ")}{" "}
                        <span class="muted">
                          from <time dateTime={level.next.from}>{formatTime(level.next.from)}</time>
                        </span>
                      </>
                    ) : (
                      <span class="muted">—</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </section>
  );
}
