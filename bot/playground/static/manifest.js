// The app's slash commands and shortcuts, as `opsbot manifest` declares them. The page prefers
// `commands` and `shortcuts` from /playground/state when the local workspace sends them; this copy
// is checked against the real manifest by tests/browser/test_page_manifest.py, so it cannot drift.
export const COMMANDS = [
  { "command": "/feedback", "description": "Capture what a customer said", "usage_hint": "[Account] what they said #area  |  export" },
  { "command": "/triage", "description": "Send a support ticket to the weekly triage", "usage_hint": "[title]  |  now  |  settings" },
  { "command": "/buddy", "description": "PM / sales buddy calls", "usage_hint": "join pm|sales  |  call  |  snooze <date>|off  |  leave" },
  { "command": "/release", "description": "Compose and announce a release", "usage_hint": "[import owner/repo@tag | settings | help]" },
  { "command": "/ops", "description": "opsbot help, settings, stats, roles and running rituals now", "usage_hint": "help | settings | stats [7d|30d|quarter] | run <ritual> | roles | audit" },
];

export const SHORTCUTS = [
  { "callback_id": "feedback-capture-message", "name": "Capture as feedback", "type": "message" },
  { "callback_id": "triage-send-message", "name": "Send to triage", "type": "message" },
];
