//! The store conformance suite (`frontdesk_relay::store::conformance`) run on SQLite: each
//! check on a fresh data folder.

use frontdesk_relay::store::conformance::{self, Harness};
use frontdesk_relay::store::{Publisher, SqliteStore, StoreError, StoreLimits};

/// A SQLite store in a data folder of its own.
struct Sqlite {
    data: tempfile::TempDir,
}

fn sqlite() -> Sqlite {
    Sqlite { data: tempfile::tempdir().expect("a temporary folder") }
}

impl Harness for Sqlite {
    type Store = SqliteStore;

    async fn open(&self, limits: StoreLimits, publish: Publisher) -> Result<SqliteStore, StoreError> {
        SqliteStore::open_in(self.data.path(), limits, publish)
    }

    /// The database's files, the write-ahead log included.
    async fn raw_bytes(&self) -> Vec<u8> {
        let mut raw = Vec::new();
        for entry in std::fs::read_dir(self.data.path()).expect("the data folder") {
            raw.extend(std::fs::read(entry.expect("an entry").path()).expect("a database file"));
        }
        raw
    }
}

#[tokio::test]
async fn acknowledged_writes_survive_a_close_and_reopen() {
    conformance::acknowledged_writes_survive_a_close_and_reopen(sqlite()).await;
}

#[tokio::test]
async fn pushes_get_seqs_in_the_order_they_are_called() {
    conformance::pushes_get_seqs_in_the_order_they_are_called(sqlite()).await;
}

#[tokio::test]
async fn chunks_are_published_only_once_committed() {
    conformance::chunks_are_published_only_once_committed(sqlite()).await;
}

#[tokio::test]
async fn a_repeated_chunk_id_keeps_its_first_seq_and_is_published_once() {
    conformance::a_repeated_chunk_id_keeps_its_first_seq_and_is_published_once(sqlite()).await;
}

#[tokio::test]
async fn snapshots_replace_the_chunks_they_cover_once_proven() {
    conformance::snapshots_replace_the_chunks_they_cover_once_proven(sqlite()).await;
}

#[tokio::test]
async fn a_device_over_its_quota_is_refused() {
    conformance::a_device_over_its_quota_is_refused(sqlite()).await;
}

#[tokio::test]
async fn a_push_over_the_document_quota_is_refused_and_stores_nothing() {
    conformance::a_push_over_the_document_quota_is_refused_and_stores_nothing(sqlite()).await;
}

#[tokio::test]
async fn the_device_registry_adds_lists_finds_and_revokes() {
    conformance::the_device_registry_adds_lists_finds_and_revokes(sqlite()).await;
}

#[tokio::test]
async fn a_pairing_code_works_once_in_time_and_not_after_wrong_tries() {
    conformance::a_pairing_code_works_once_in_time_and_not_after_wrong_tries(sqlite()).await;
}

#[tokio::test]
async fn documents_are_listed_by_prefix_and_counted() {
    conformance::documents_are_listed_by_prefix_and_counted(sqlite()).await;
}

#[tokio::test]
async fn a_sound_store_passes_its_integrity_check() {
    conformance::a_sound_store_passes_its_integrity_check(sqlite()).await;
}

#[tokio::test]
async fn a_full_write_queue_refuses_at_once_and_a_retry_goes_through() {
    conformance::a_full_write_queue_refuses_at_once_and_a_retry_goes_through(sqlite()).await;
}

#[tokio::test]
async fn key_epochs_are_granted_first_once_and_only_grow() {
    conformance::key_epochs_are_granted_first_once_and_only_grow(sqlite()).await;
}

#[tokio::test]
async fn floors_rise_with_a_revocation_in_one_transaction() {
    conformance::floors_rise_with_a_revocation_in_one_transaction(sqlite()).await;
}

#[tokio::test]
async fn cleared_documents_keep_nothing_but_their_sequence() {
    conformance::cleared_documents_keep_nothing_but_their_sequence(sqlite()).await;
}

#[tokio::test]
async fn bytes_in_the_clear_are_listed_and_leave_no_trace_once_replaced() {
    conformance::bytes_in_the_clear_are_listed_and_leave_no_trace_once_replaced(sqlite()).await;
}

#[tokio::test]
async fn the_audit_log_keeps_who_wrote_and_read_what_and_when() {
    conformance::the_audit_log_keeps_who_wrote_and_read_what_and_when(sqlite()).await;
}

#[tokio::test]
async fn a_rebase_replaces_everything_and_is_served_as_one_to_subscribers_before_it() {
    conformance::a_rebase_replaces_everything_and_is_served_as_one_to_subscribers_before_it(sqlite()).await;
}

#[tokio::test]
async fn a_rebase_forgets_the_heads_of_the_chunks_it_replaced() {
    conformance::a_rebase_forgets_the_heads_of_the_chunks_it_replaced(sqlite()).await;
}

#[tokio::test]
async fn a_rebase_on_another_head_is_refused_and_changes_nothing() {
    conformance::a_rebase_on_another_head_is_refused_and_changes_nothing(sqlite()).await;
}

#[tokio::test]
async fn writes_made_before_a_rebase_are_refused_even_queued_behind_it() {
    conformance::writes_made_before_a_rebase_are_refused_even_queued_behind_it(sqlite()).await;
}

#[tokio::test]
async fn a_rebase_leaves_no_byte_of_the_old_history_in_the_files() {
    conformance::a_rebase_leaves_no_byte_of_the_old_history_in_the_files(sqlite()).await;
}

#[tokio::test]
async fn a_rebase_is_logged_and_counted_as_a_snapshot() {
    conformance::a_rebase_is_logged_and_counted_as_a_snapshot(sqlite()).await;
}

#[tokio::test]
async fn retention_rules_survive_a_reopen_and_only_a_change_is_logged() {
    conformance::retention_rules_survive_a_reopen_and_only_a_change_is_logged(sqlite()).await;
}

#[tokio::test]
async fn expired_documents_leave_nothing_and_free_their_bytes() {
    conformance::expired_documents_leave_nothing_and_free_their_bytes(sqlite()).await;
}

#[tokio::test]
async fn when_a_chunk_was_stored_is_found_by_its_id_and_survives_a_rebase() {
    conformance::when_a_chunk_was_stored_is_found_by_its_id_and_survives_a_rebase(sqlite()).await;
}
