//! Frontdesk's benchmark support: the seed data generator (`seed`) shared by the criterion
//! benches of the core, the `seed` tool that fills a relay's data folder, and the browser bench.

pub mod seed;
