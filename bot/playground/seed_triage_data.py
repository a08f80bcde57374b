"""Acme's support tickets this month: ~25, from the helpdesk (Zendesk) and from Slack.

Tickets before last week's triage session were shown in it; most were decided there (bugs filed
to engineering, feature requests turned into feedback, known issues, needs info, won't fix), a
few were carried over. Tickets after it wait in the queue for this week's thread.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.rituals.triage.domain import Outcome, Severity

ZENDESK = "https://acme.zendesk.example/agent/tickets/"
TRACKER = "https://tracker.acme.example/browse/"


@dataclass(frozen=True)
class SeedTicket:
    key: str  # the helpdesk id, or a title key for Slack tickets
    before_session: bool  # True: `days` before last week's session; False: `days` before now
    days: int
    hour: int  # local hour of the reporter (the workspace's zone for the helpdesk)
    reporter: str  # a user id (filed from Slack) or a customer's name (helpdesk)
    severity: Severity
    title: str
    description: str
    account: str | None


@dataclass(frozen=True)
class SeedDecision:
    key: str
    outcome: Outcome
    by: str
    hours_after_session: int
    reason: str | None = None
    tracker_key: str | None = None  # the engineering issue a Bug click filed


URGENT, HIGH, NORMAL, LOW = Severity.URGENT, Severity.HIGH, Severity.NORMAL, Severity.LOW

# fmt: off
TICKETS: tuple[SeedTicket, ...] = (
    # -- shown in last week's session ------------------------------------------------------
    SeedTicket("48213", True, 6, 9, "Maria Chen (Globex)", URGENT,
               "SSO login loop after password reset",
               "Users who reset their password land back on the login page forever.", "Globex"),
    SeedTicket("48230", True, 6, 14, "Tom Reed (Northwind)", HIGH,
               "Usage report CSV export times out",
               "12 months of data never finishes exporting.", "Northwind Traders"),
    SeedTicket("slack-android-upload", True, 5, 11, "ULUIS", HIGH,
               "Android app crashes on photo upload",
               "Stark's field team loses inspections when the app closes mid-upload.",
               "Stark Logistics"),
    SeedTicket("48257", True, 5, 10, "Ana Ruiz (Initech)", NORMAL,
               "Invoice shows the wrong billing contact",
               "Invoices still go to a contact who left.", "Initech"),
    SeedTicket("48262", True, 4, 16, "Lee Park (Hooli)", NORMAL,
               "Webhook deliveries stop after endpoint maintenance",
               "Nothing is retried after their endpoint is down for an hour.", "Hooli"),
    SeedTicket("slack-bulk-roles", True, 4, 13, "UAMARA", LOW,
               "Bulk-change user roles",
               "Northwind wants to move 300 users to a new team in one go.",
               "Northwind Traders"),
    SeedTicket("48281", True, 3, 9, "Sam Patel (Soylent)", LOW,
               "Dark mode for the dashboard",
               "Their night shift finds the white dashboard too bright.", "Soylent Foods"),
    SeedTicket("48290", True, 6, 15, "Maria Chen (Globex)", NORMAL,
               "Timezone shown wrong on scheduled reports",
               "Reports say UTC although the account is set to CET.", "Globex"),
    SeedTicket("48302", True, 2, 10, "Jon Ade (Tyrell)", URGENT,
               "API returns 500 for bulk create over 200 records",
               "Their nightly sync fails every run since Tuesday.", "Tyrell Robotics"),
    SeedTicket("48311", True, 1, 12, "Ana Ruiz (Initech)", NORMAL,
               "Cannot download invoice PDF from Safari",
               "The download button does nothing on Safari 17.", "Initech"),
    SeedTicket("slack-mobile-push", True, 5, 17, "ULUIS", LOW,
               "Push notifications arrive twice",
               "Hooli users get every push notification twice on iOS.", "Hooli"),
    # -- since last week's session: this week's queue --------------------------------------
    SeedTicket("48355", False, 5, 9, "Lee Park (Hooli)", HIGH,
               "Search takes 10 seconds across projects",
               "Search across their 400 projects takes 8-10 seconds.", "Hooli"),
    SeedTicket("48361", False, 5, 14, "Priti Shah (Umbrella)", URGENT,
               "Audit log missing admin role changes",
               "Their SOC 2 auditor found role changes missing from the audit log.",
               "Umbrella Health"),
    SeedTicket("slack-proration", False, 4, 10, "UAMARA", HIGH,
               "Prorated seats charged twice",
               "Initech was charged for 12 seats added mid-cycle twice.", "Initech"),
    SeedTicket("48377", False, 4, 15, "Tom Reed (Northwind)", NORMAL,
               "Custom date range resets on reload",
               "The new date range picker forgets the range after a page reload.",
               "Northwind Traders"),
    SeedTicket("48380", False, 3, 11, "Jon Ade (Tyrell)", HIGH,
               "API rate limit blocks the nightly sync",
               "100 requests a minute is not enough for their 40k records.", "Tyrell Robotics"),
    SeedTicket("slack-export-pdf", False, 3, 16, "ULUIS", LOW,
               "Export one dashboard to PDF",
               "Stark wants a single dashboard as PDF for their weekly ops meeting.",
               "Stark Logistics"),
    SeedTicket("48392", False, 2, 9, "Sam Patel (Soylent)", NORMAL,
               "Zapier integration",
               "Asked again whether there is a Zapier app.", "Soylent Foods"),
    SeedTicket("48398", False, 2, 13, "Maria Chen (Globex)", HIGH,
               "Okta SCIM deprovisioning does not remove access",
               "Users removed in Okta can still log in for a day.", "Globex"),
    SeedTicket("slack-teams", False, 2, 15, "UJESS", LOW,
               "Notifications to Microsoft Teams",
               "Initech asked on the renewal call whether Teams is supported.", "Initech"),
    SeedTicket("48405", False, 1, 10, "Priti Shah (Umbrella)", NORMAL,
               "EUR invoices for the German entity",
               "Their German entity needs invoices in EUR.", "Umbrella Health"),
    SeedTicket("48411", False, 1, 14, "Lee Park (Hooli)", LOW,
               "Typo in the password reset email",
               "'Recieve' in the subject line.", "Hooli"),
    SeedTicket("slack-offline", False, 1, 16, "UAMARA", NORMAL,
               "Mobile app offline mode",
               "Northwind drivers lose all entries made without signal.", "Northwind Traders"),
    SeedTicket("48420", False, 0, 9, "Jon Ade (Tyrell)", URGENT,
               "Webhooks delayed by 30 minutes",
               "Webhook events arrive 30 minutes late since this morning.", "Tyrell Robotics"),
    SeedTicket("48423", False, 0, 11, "Ana Ruiz (Initech)", NORMAL,
               "SSO users cannot be invited to a second workspace",
               "Invites to SSO users fail with 'already a member'.", "Initech"),
)

DECISIONS: tuple[SeedDecision, ...] = (
    SeedDecision("48213", Outcome.BUG, "UPRIYA", 1, tracker_key="ENG-412"),
    SeedDecision("48302", Outcome.BUG, "UMARCO", 1, tracker_key="ENG-415"),
    SeedDecision("slack-android-upload", Outcome.BUG, "UMARCO", 2, tracker_key="ENG-416"),
    SeedDecision("48230", Outcome.KNOWN, "UAMARA", 1,
                 reason="Async exports are on the roadmap; workaround: export by quarter."),
    SeedDecision("48262", Outcome.FEATURE, "UMARCO", 2),
    SeedDecision("slack-bulk-roles", Outcome.FEATURE, "UPRIYA", 2),
    SeedDecision("48257", Outcome.NEEDS_INFO, "UAMARA", 3,
                 reason="Which invoices, and who should receive them now?"),
    SeedDecision("48281", Outcome.WONT_FIX, "UDANA", 3,
                 reason="Themes come with next year's design system; no dark mode before."),
    SeedDecision("48311", Outcome.KNOWN, "ULUIS", 4,
                 reason="Safari blocks the download popup; fix ships with 2.15."),
)
# Carried over to this week: 48290 (owner Luis) and slack-mobile-push (owner Marco).
OWNERS = {"48290": "ULUIS", "slack-mobile-push": "UMARCO", "48361": "UPRIYA"}
# fmt: on
