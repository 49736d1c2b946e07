"""Running the bot: settings from the environment, the command line, the process supervisor."""
