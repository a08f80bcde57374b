"""The feedback use cases by sub-flow; `bot.rituals.feedback.service.FeedbackService` combines
them into the one service other rituals call."""
