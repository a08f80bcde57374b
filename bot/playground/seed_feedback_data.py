"""What Acme's customers said this month: accounts, product areas and ~40 feedback items.

Plain data (no logic) so the story is easy to read and change: a handful of themes (slow CSV
exports, SSO, invoice details, the Android app, dashboard date ranges, Salesforce sync) told by
sales after calls and by support from tickets, some said again by other accounts (merged as
duplicates), some reviewed, planned on the roadmap, or declined.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.rituals.feedback.domain import AccountRecord, Importance, Source

AREAS = ["Reporting", "Billing", "Mobile", "Integrations", "Admin & SSO"]
AREA_OWNERS = {
    "Billing": ["UPRIYA"],
    "Admin & SSO": ["UPRIYA"],
    "Mobile": ["UMARCO"],
    "Integrations": ["UMARCO"],
    # Reporting has no owner yet: Dana (admin) reviews it, and the digest shows it waiting.
}

ACCOUNTS = (
    AccountRecord("Northwind Traders", "SF-0012", "Enterprise", 240_000, "UJESS"),
    AccountRecord("Globex", "SF-0044", "Enterprise", 410_000, "UJESS"),
    AccountRecord("Initech", "SF-0103", "Mid-market", 86_000, "UJESS"),
    AccountRecord("Umbrella Health", "SF-0150", "Enterprise", 325_000, "UKENJI"),
    AccountRecord("Hooli", "SF-0199", "Mid-market", 120_000, "UKENJI"),
    AccountRecord("Soylent Foods", "SF-0231", "SMB", 18_000, "UJESS"),
    AccountRecord("Tyrell Robotics", "SF-0288", "Enterprise", 520_000, "UKENJI"),
    AccountRecord("Stark Logistics", "SF-0302", "Mid-market", 95_000, "UKENJI"),
)

ROADMAP = "https://roadmap.acme.example/items/"


@dataclass(frozen=True)
class SeedItem:
    key: str  # the capture key's tail: what makes seeding twice store nothing new
    days_ago: int
    hour: int  # local hour of the submitter
    submitter: str
    account: str | None
    area: str | None
    source: Source
    importance: Importance
    text: str
    link: str | None = None


def _item(
    key: str,
    days_ago: int,
    hour: int,
    submitter: str,
    account: str | None,
    area: str | None,
    source: Source,
    importance: Importance,
    text: str,
    link: str | None = None,
) -> SeedItem:
    return SeedItem(key, days_ago, hour, submitter, account, area, source, importance, text, link)


CALL, SUPPORT, SLACK, EMAIL, INTERVIEW = (
    Source.CALL,
    Source.SUPPORT,
    Source.SLACK,
    Source.EMAIL,
    Source.INTERVIEW,
)
NICE, IMPORTANT, BLOCKER = Importance.NICE_TO_HAVE, Importance.IMPORTANT, Importance.BLOCKER
TICKETS = "https://acme.helpdesk.example/tickets/"

# fmt: off
ITEMS: tuple[SeedItem, ...] = (
    # -- Reporting: large CSV exports time out (the month's loudest theme) -------------------
    _item("export-timeout", 29, 10, "UJESS", "Globex", "Reporting", CALL, BLOCKER,
          "CSV export of the yearly usage report times out after 60 seconds; their finance team "
          "needs it for quarter close."),
    _item("export-timeout-2", 24, 14, "UAMARA", "Northwind Traders", "Reporting", SUPPORT,
          IMPORTANT, "Exporting the usage report to CSV fails with a timeout for 12 months of "
          "data.", TICKETS + "4471"),
    _item("export-timeout-3", 17, 11, "UKENJI", "Tyrell Robotics", "Reporting", CALL, BLOCKER,
          "Usage report CSV export times out; they want the export emailed when it is ready."),
    _item("export-timeout-4", 9, 9, "ULUIS", "Initech", "Reporting", SUPPORT, IMPORTANT,
          "CSV export times out on the usage report (again), customer is scripting around it.",
          TICKETS + "4590"),
    _item("export-timeout-5", 2, 15, "UJESS", "Hooli", "Reporting", EMAIL, IMPORTANT,
          "Usage report export to CSV times out for a full year of data."),
    # -- Reporting: custom date ranges on dashboards (shipped in this month's release) -------
    _item("date-ranges", 27, 16, "UKENJI", "Umbrella Health", "Reporting", CALL, IMPORTANT,
          "Dashboards only offer last 7/30/90 days; they need custom date ranges for board "
          "reporting."),
    _item("date-ranges-2", 21, 10, "UJESS", "Northwind Traders", "Reporting", CALL, IMPORTANT,
          "Custom date range on dashboards, e.g. fiscal quarters starting in February."),
    _item("date-ranges-3", 15, 13, "UAMARA", "Soylent Foods", "Reporting", SUPPORT, NICE,
          "Asked for a custom date range picker on the dashboard.", TICKETS + "4522"),
    _item("scheduled-reports", 6, 11, "UKENJI", "Stark Logistics", "Reporting", CALL, NICE,
          "Would like dashboards emailed weekly as PDF to their ops managers."),
    # -- Admin & SSO: Okta SSO and SCIM provisioning ----------------------------------------
    _item("okta-sso", 28, 9, "UJESS", "Globex", "Admin & SSO", CALL, BLOCKER,
          "Security review requires SSO through Okta before they roll out to 2,000 seats."),
    _item("okta-sso-2", 19, 10, "UKENJI", "Umbrella Health", "Admin & SSO", CALL, BLOCKER,
          "SAML SSO with Okta is a must-have for the renewal in January."),
    _item("scim", 12, 14, "UKENJI", "Tyrell Robotics", "Admin & SSO", EMAIL, IMPORTANT,
          "SCIM provisioning so leavers lose access the day HR offboards them."),
    _item("audit-log", 8, 10, "UJESS", "Initech", "Admin & SSO", CALL, NICE,
          "Admin audit log exportable as CSV for their SOC 2 evidence."),
    _item("okta-sso-3", 3, 16, "ULUIS", "Hooli", "Admin & SSO", SUPPORT, IMPORTANT,
          "Customer asked whether Okta SSO is on the roadmap; their IT blocks password logins.",
          TICKETS + "4655"),
    # -- Billing: purchase-order numbers and currencies on invoices --------------------------
    _item("po-number", 26, 11, "UAMARA", "Tyrell Robotics", "Billing", SUPPORT, BLOCKER,
          "Invoices are rejected by their AP team without a PO number field.", TICKETS + "4480"),
    _item("po-number-2", 18, 15, "UJESS", "Globex", "Billing", EMAIL, IMPORTANT,
          "Need our PO number printed on every invoice, procurement bounces them otherwise."),
    _item("multi-currency", 22, 9, "UKENJI", "Umbrella Health", "Billing", CALL, IMPORTANT,
          "Invoice in EUR for their German entity while the US entity stays in USD."),
    _item("multi-currency-2", 5, 10, "UKENJI", "Stark Logistics", "Billing", CALL, IMPORTANT,
          "Invoices in GBP for the UK subsidiary."),
    _item("invoice-emails", 11, 13, "ULUIS", "Soylent Foods", "Billing", SUPPORT, NICE,
          "Send invoices to a billing address other than the account owner.", TICKETS + "4561"),
    _item("proration", 1, 12, "UAMARA", "Initech", "Billing", SUPPORT, IMPORTANT,
          "Mid-cycle seat changes are prorated wrongly on the next invoice, customer disputes "
          "the amount.", TICKETS + "4702"),
    # -- Mobile: the Android app and offline mode -------------------------------------------
    _item("android-crash", 25, 10, "ULUIS", "Northwind Traders", "Mobile", SUPPORT, BLOCKER,
          "Android app crashes when uploading more than 5 photos to an inspection.",
          TICKETS + "4493"),
    _item("android-crash-2", 20, 12, "UAMARA", "Stark Logistics", "Mobile", SUPPORT, BLOCKER,
          "Android app closes while uploading photos from the field.", TICKETS + "4507"),
    _item("offline-mode", 23, 15, "UJESS", "Northwind Traders", "Mobile", CALL, IMPORTANT,
          "Drivers lose signal in warehouses; they need the mobile app to work offline and "
          "sync later."),
    _item("offline-mode-2", 13, 9, "UKENJI", "Stark Logistics", "Mobile", CALL, IMPORTANT,
          "Offline mode for the mobile app, inspections happen in basements without signal."),
    _item("offline-mode-3", 4, 11, "UMARCO", "Hooli", "Mobile", INTERVIEW, NICE,
          "Field techs would use the app offline and sync at the end of the shift."),
    _item("ios-widget", 16, 17, "UMARCO", "Soylent Foods", "Mobile", INTERVIEW, NICE,
          "An iOS home-screen widget with today's open tasks."),
    _item("push-digest", 0, 10, "UAMARA", "Initech", "Mobile", SUPPORT, NICE,
          "Too many push notifications; users want a daily summary instead.", TICKETS + "4711"),
    # -- Integrations: Salesforce sync and webhooks -----------------------------------------
    _item("sf-custom-fields", 27, 13, "UKENJI", "Tyrell Robotics", "Integrations", CALL,
          IMPORTANT, "Salesforce sync ignores custom fields on the Account object."),
    _item("sf-custom-fields-2", 14, 10, "UJESS", "Globex", "Integrations", CALL, IMPORTANT,
          "Sync custom Salesforce fields (region, tier) into our account records."),
    _item("webhook-retries", 10, 15, "ULUIS", "Hooli", "Integrations", SUPPORT, IMPORTANT,
          "Webhooks are not retried when their endpoint is down for maintenance.",
          TICKETS + "4577"),
    _item("teams-notify", 7, 10, "UJESS", "Initech", "Integrations", CALL, NICE,
          "Notifications to Microsoft Teams as well as Slack."),
    _item("zapier", 6, 16, "UAMARA", "Soylent Foods", "Integrations", SUPPORT, NICE,
          "A Zapier app so they can connect their small tools without code.", TICKETS + "4612"),
    _item("sf-custom-fields-3", 2, 9, "UKENJI", "Umbrella Health", "Integrations", EMAIL,
          IMPORTANT, "Salesforce sync should map custom fields, they maintain 14 of them."),
    _item("api-rate-limit", 1, 14, "ULUIS", "Tyrell Robotics", "Integrations", SUPPORT,
          BLOCKER, "API rate limit of 100 requests a minute blocks their nightly data sync.",
          TICKETS + "4698"),
    # -- Odds and ends ---------------------------------------------------------------------
    _item("dark-mode", 20, 16, "UJESS", "Soylent Foods", None, SLACK, NICE,
          "Dark mode for the web app."),
    _item("bulk-edit", 19, 11, "UAMARA", "Northwind Traders", "Admin & SSO", SUPPORT,
          IMPORTANT, "Bulk-edit user roles, they have 300 users to move to a new team.",
          TICKETS + "4531"),
    _item("report-sharing", 3, 10, "UPRIYA", "Globex", "Reporting", INTERVIEW, IMPORTANT,
          "Share a dashboard with a read-only link for people outside the company."),
    _item("slow-search", 0, 12, "UKENJI", "Hooli", None, CALL, IMPORTANT,
          "Search across projects takes 8-10 seconds for them."),
    _item("sandbox", 4, 9, "UJESS", "Tyrell Robotics", "Integrations", CALL, NICE,
          "A sandbox workspace to test integrations before go-live."),
    _item("export-pdf", 0, 15, "ULUIS", "Stark Logistics", "Reporting", SUPPORT, NICE,
          "Export a single dashboard to PDF.", TICKETS + "4720"),
)
# fmt: on

# Duplicates folded into the first item of their theme by its reviewer (key -> lead key).
MERGES = {
    "export-timeout-2": "export-timeout",
    "export-timeout-3": "export-timeout",
    "export-timeout-4": "export-timeout",
    "date-ranges-2": "date-ranges",
    "date-ranges-3": "date-ranges",
    "okta-sso-2": "okta-sso",
    "po-number-2": "po-number",
    "multi-currency-2": "multi-currency",
    "android-crash-2": "android-crash",
    "offline-mode-2": "offline-mode",
    "sf-custom-fields-2": "sf-custom-fields",
}


@dataclass(frozen=True)
class SeedStatus:
    key: str
    status: str  # a feedback Status value
    days_after: int  # after the capture
    by: str  # the reviewer
    link: str | None = None
    reason: str | None = None


# The lifecycle the reviewers moved items through (shipped comes from the release seed).
# fmt: off
STATUSES = (
    SeedStatus("export-timeout", "planned", 6, "UDANA", ROADMAP + "async-exports"),
    SeedStatus("date-ranges", "planned", 3, "UDANA", ROADMAP + "dashboard-date-ranges"),
    SeedStatus("okta-sso", "planned", 4, "UPRIYA", ROADMAP + "okta-sso"),
    SeedStatus("po-number", "planned", 2, "UPRIYA", ROADMAP + "invoice-po-numbers"),
    SeedStatus("android-crash", "planned", 1, "UMARCO", ROADMAP + "android-photo-upload"),
    SeedStatus("offline-mode", "reviewed", 5, "UMARCO"),
    SeedStatus("multi-currency", "reviewed", 3, "UPRIYA"),
    SeedStatus("sf-custom-fields", "reviewed", 6, "UMARCO"),
    SeedStatus("scim", "reviewed", 2, "UPRIYA"),
    SeedStatus("invoice-emails", "reviewed", 4, "UPRIYA"),
    SeedStatus("webhook-retries", "reviewed", 3, "UMARCO"),
    SeedStatus("ios-widget", "declined", 5, "UMARCO",
               reason="Not this year: the mobile team is on offline mode and Android stability."),
    SeedStatus("dark-mode", "declined", 6, "UDANA",
               reason="Not planned; the design system work next year will revisit themes."),
    SeedStatus("bulk-edit", "reviewed", 2, "UPRIYA"),
    SeedStatus("scheduled-reports", "reviewed", 2, "UDANA"),
)
# fmt: on

# Items the published release answers (the release seed links them; publishing ships them).
SHIPPED_BY_RELEASE = ("date-ranges", "android-crash")
