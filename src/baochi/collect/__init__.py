"""Collection: fetch feeds, sitemaps and pages politely and safely."""
