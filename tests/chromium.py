"""How the browser tests and benchmarks start Chromium: Debian's build, headless, quiet (no network of its own)."""

CHROMIUM = "/usr/bin/chromium"  # apt-get install -y chromium (never `playwright install`: it cannot download here)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def launch(playwright):
    """A headless Chromium from a sync_playwright() context."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
