"""inburgeraar-api: the person context of the Wet inburgering 2021."""
