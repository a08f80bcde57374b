"""The sub-flows `BuddyService` is made of (bot.rituals.buddies.service), one file each."""
