"""The web plumbing every page shares: panels and navigation that features register, form widgets,
formatting filters, error pages, security headers, request logging, JSON bodies, ids in URLs,
static files under versioned URLs, public links and the throttle of public pages."""
