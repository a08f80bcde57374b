// The page's only way to talk to the local workspace: JSON under /playground/ (API.md).
// A failed call never disappears: it comes back as {ok: false, error} and the caller shows it.

export async function getState(as, since) {
  const query = new URLSearchParams({ as });
  if (since != null) query.set("since", String(since));
  const response = await fetch(`/playground/state?${query}`, { cache: "no-store" });
  if (!response.ok) throw new Error(`state: HTTP ${response.status}`);
  return response.json();
}

export async function post(path, body) {
  try {
    const response = await fetch(`/playground/${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    let answer;
    try {
      answer = text ? JSON.parse(text) : {};
    } catch {
      answer = { ok: false, error: `not JSON (HTTP ${response.status})`, raw: text };
    }
    if (!response.ok && answer.ok !== false) answer = { ...answer, ok: false, error: answer.error || `HTTP ${response.status}` };
    return answer;
  } catch (error) {
    return { ok: false, error: String(error) };
  }
}
