"""Open data: services.json and services.csv (export) and Open Referral HSDS data packages (hsds).

May import: data and present; never web, printing or output."""
