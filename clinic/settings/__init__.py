"""The owner's clinic settings: details, time zone, paper size, logo, links to the other settings."""
