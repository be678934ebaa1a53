"""The app's side of Slack's Web API: reads, file streams and Slack's pace."""
