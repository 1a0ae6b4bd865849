// The search page (placeholder until the page is written).
"use strict";
