//! The device's documents as the core's views read them.

use frontdesk_core::Documents;

use crate::device::Device;

impl Documents for Device {
    fn read<R>(&self, name: &str, f: impl FnOnce(&automerge::Automerge) -> R) -> Option<R> {
        Device::read(self, name, f)
    }

    fn names_under(&self, prefix: &str) -> Vec<String> {
        self.docs_under(prefix)
    }

    fn received(&self, name: &str, key: &str) -> Option<i64> {
        Device::received(self, name, key)
    }
}
