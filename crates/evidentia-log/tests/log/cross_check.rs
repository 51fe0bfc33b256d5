//! Cross-checks against independent implementations: Cloudflare's `tlog_tiles` and
//! `signed_note` crates, Rust ports of Go's `golang.org/x/mod/sumdb/tlog` and `sumdb/note`
//! (the reference implementations of C2SP checkpoints and signed notes). They share no code with
//! ours: their Merkle proofs use Go's recursive stored-hash formulation, not RFC 9162's
//! bit-walking verification.

use evidentia_log::checkpoint::Checkpoint;
use evidentia_log::merkle::{
    Hash, HashReader, MemoryTree, consistency_proof, inclusion_proof, root_at, verify_consistency, verify_inclusion,
};
use evidentia_log::note::{self, Signer, Verifier, open};
use evidentia_log::proof::{self, Leaf, TlogProof};
use proptest::prelude::*;
use signed_note::{Note, StandardSigner, StandardVerifier, VerifierList};

use crate::reference;

/// Serves Go-style stored hash indexes from our tree's (level, index) subtrees.
struct GoReader<'a>(&'a MemoryTree);

impl tlog_tiles::HashReader for GoReader<'_> {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<tlog_tiles::Hash>, tlog_tiles::Error> {
        indexes
            .iter()
            .map(|&i| {
                let (level, n) = tlog_tiles::split_stored_hash_index(i);
                self.0
                    .subtree(level, n)
                    .map(tlog_tiles::Hash)
                    .map_err(|_| tlog_tiles::Error::IndexesNotInTree)
            })
            .collect()
    }
}

fn theirs(hashes: &[Hash]) -> Vec<tlog_tiles::Hash> {
    hashes.iter().map(|h| tlog_tiles::Hash(*h)).collect()
}

fn ours(hashes: &[tlog_tiles::Hash]) -> Vec<Hash> {
    hashes.iter().map(|h| h.0).collect()
}

#[test]
fn leaf_and_node_hashes_agree() {
    for data in [&b""[..], b"a", b"evidentia"] {
        assert_eq!(evidentia_log::merkle::leaf_hash(data), tlog_tiles::record_hash(data).0);
    }
    let (l, r) = ([1u8; 32], [2u8; 32]);
    assert_eq!(
        evidentia_log::merkle::node_hash(&l, &r),
        tlog_tiles::node_hash(tlog_tiles::Hash(l), tlog_tiles::Hash(r)).0
    );
    assert_eq!(evidentia_log::merkle::EMPTY_ROOT, tlog_tiles::EMPTY_HASH.0);
}

/// Our frontier reports, for each appended leaf, exactly the hashes Go's tlog stores for it.
#[test]
fn frontier_completes_the_same_subtrees_go_stores() {
    let leaves = reference::leaves(300);
    let mut tree = MemoryTree::new();
    let mut frontier = evidentia_log::Frontier::new();
    for (n, leaf) in leaves.iter().enumerate() {
        let n = n as u64;
        let completed = frontier.append(*leaf).unwrap();
        let expected = tlog_tiles::stored_hashes_for_record_hash(n, tlog_tiles::Hash(*leaf), &GoReader(&tree)).unwrap();
        let got: Vec<(u64, Hash)> = completed
            .iter()
            .map(|s| (tlog_tiles::stored_hash_index(s.level, s.index), s.hash))
            .collect();
        let first = tlog_tiles::stored_hash_index(0, n);
        let want: Vec<(u64, Hash)> = expected
            .iter()
            .enumerate()
            .map(|(k, h)| (first + k as u64, h.0))
            .collect();
        assert_eq!(got, want, "leaf {n}");
        tree.append(*leaf).unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Same roots, byte-identical proofs, and each side's proofs verify with the other's verifier.
    #[test]
    fn merkle_proofs_agree_with_go_tlog(
        (size, index, old) in (1u64..1500).prop_flat_map(|n| (Just(n), 0..n, 1..=n)),
    ) {
        let leaves = reference::leaves(size as usize);
        let tree = MemoryTree::from_leaf_hashes(leaves.iter().copied()).unwrap();
        let reader = GoReader(&tree);
        let root = tree.root();
        prop_assert_eq!(tlog_tiles::tree_hash(size, &reader).unwrap().0, root);
        let old_root = root_at(&tree, old).unwrap();
        prop_assert_eq!(tlog_tiles::tree_hash(old, &reader).unwrap().0, old_root);

        let leaf = leaves[index as usize];
        let our_inclusion = inclusion_proof(&tree, index, size).unwrap();
        let their_inclusion = tlog_tiles::prove_record(size, index, &reader).unwrap();
        prop_assert_eq!(&our_inclusion, &ours(&their_inclusion));
        prop_assert!(tlog_tiles::check_record(&theirs(&our_inclusion), size, tlog_tiles::Hash(root), index, tlog_tiles::Hash(leaf)).is_ok());
        prop_assert!(verify_inclusion(&leaf, index, size, &ours(&their_inclusion), &root).is_ok());

        let our_consistency = consistency_proof(&tree, old, size).unwrap();
        let their_consistency = tlog_tiles::prove_tree(size, old, &reader).unwrap();
        prop_assert_eq!(&our_consistency, &ours(&their_consistency));
        prop_assert!(tlog_tiles::check_tree(&theirs(&our_consistency), size, tlog_tiles::Hash(root), old, tlog_tiles::Hash(old_root)).is_ok());
        prop_assert!(verify_consistency(old, size, &old_root, &root, &ours(&their_consistency)).is_ok());
    }

    #[test]
    fn checkpoints_agree_with_go_tlog(
        origin in "[a-z0-9./-]{1,30}",
        size in any::<u64>(),
        root in any::<[u8; 32]>(),
        extensions in proptest::collection::vec("[!-~][ -~]{0,20}", 0..3),
    ) {
        let ours = Checkpoint::new(&origin, size, root).unwrap().with_extensions(extensions.clone()).unwrap();
        let parsed = tlog_tiles::Checkpoint::from_bytes(ours.to_text().as_bytes()).unwrap();
        prop_assert_eq!(parsed.origin(), origin.as_str());
        prop_assert_eq!(parsed.size(), size);
        prop_assert_eq!(parsed.hash().0, root);
        let ext: String = extensions.iter().map(|e| format!("{e}\n")).collect();
        let theirs = tlog_tiles::Checkpoint::new(&origin, size, tlog_tiles::Hash(root), &ext).unwrap();
        let text = String::from_utf8(theirs.to_bytes()).unwrap();
        prop_assert_eq!(Checkpoint::parse(&text).unwrap(), ours);
    }
}

/// Go's own test vector, through both implementations.
#[test]
fn go_vector_through_both() {
    let skey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    let vkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    let text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    let ours = Signer::from_skey(skey).unwrap().sign(text).unwrap();
    let mut theirs = Note::new(text.as_bytes(), &[]).unwrap();
    theirs.add_sigs(&[&StandardSigner::new(skey).unwrap()]).unwrap();
    assert_eq!(ours.as_bytes(), theirs.to_bytes().as_slice());
    assert_eq!(Verifier::from_vkey(vkey).unwrap().to_vkey(), vkey);
}

fn their_verify(note: &[u8], vkeys: &[String]) -> Result<Vec<String>, signed_note::NoteError> {
    let list = VerifierList::new(
        vkeys
            .iter()
            .map(|v| Box::new(StandardVerifier::new(v).unwrap()) as Box<dyn signed_note::Verifier>)
            .collect(),
    );
    let (verified, _) = Note::from_bytes(note)?.verify(&list)?;
    Ok(verified.iter().map(|s| s.name().to_owned()).collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Our notes open with their verifier and theirs with ours; keys convert both ways; the
    /// deterministic signatures are byte-identical.
    #[test]
    fn notes_agree_with_go_note(
        text in "([a-zA-Z0-9 .,:/—é€]{0,30}\n){1,6}",
        seed_a in any::<[u8; 32]>(),
        seed_b in any::<[u8; 32]>(),
        name_a in "[a-z0-9./]{1,20}",
        name_b in "W[A-Z0-9._]{0,19}",
    ) {
        let a = Signer::from_seed(&name_a, seed_a).unwrap();
        let b = Signer::from_seed(&name_b, seed_b).unwrap();
        let (vkey_a, vkey_b) = (a.verifier().to_vkey(), b.verifier().to_vkey());
        // Their key parsers accept our key strings and agree on the key ID.
        let their_a = StandardSigner::new(&a.to_skey()).unwrap();
        prop_assert_eq!(signed_note::Signer::key_id(&their_a), a.key_id());
        let dalek = ed25519_dalek::SigningKey::from_bytes(&seed_a).verifying_key();
        prop_assert_eq!(signed_note::new_ed25519_verifier_key(&name_a, &dalek), vkey_a.clone());

        // Ours → theirs.
        let ours = a.sign(&text).unwrap();
        prop_assert_eq!(their_verify(ours.as_bytes(), std::slice::from_ref(&vkey_a)).unwrap(), vec![name_a.clone()]);
        prop_assert!(their_verify(ours.as_bytes(), std::slice::from_ref(&vkey_b)).is_err());

        // Theirs → ours, byte-identical to ours.
        let mut theirs = Note::new(text.as_bytes(), &[]).unwrap();
        theirs.add_sigs(&[&their_a]).unwrap();
        prop_assert_eq!(theirs.to_bytes(), ours.clone().into_bytes());

        // They co-sign our note with b; both verify both, each ignores the other's unknown key.
        let mut cosigned = Note::from_bytes(ours.as_bytes()).unwrap();
        cosigned.add_sigs(&[&StandardSigner::new(&b.to_skey()).unwrap()]).unwrap();
        let cosigned = cosigned.to_bytes();
        let (opened, names) = open(&cosigned, &[Verifier::from_vkey(&vkey_a).unwrap(), Verifier::from_vkey(&vkey_b).unwrap()]).unwrap();
        prop_assert_eq!(opened, text.clone());
        prop_assert_eq!(names, vec![name_a.clone(), name_b.clone()]);
        prop_assert_eq!(open(&cosigned, &[b.verifier()]).unwrap().1, vec![name_b.clone()]);
        prop_assert_eq!(their_verify(&cosigned, &[vkey_a.clone(), vkey_b.clone()]).unwrap(), vec![name_a.clone(), name_b.clone()]);
        prop_assert_eq!(
            note::sign(&text, &[&a, &b]).unwrap().into_bytes(),
            cosigned
        );

        // A changed byte of the text fails in both.
        let tampered = ours.replacen('\n', " \n", 1);
        prop_assert!(open(tampered.as_bytes(), &[a.verifier()]).is_err());
        prop_assert!(their_verify(tampered.as_bytes(), std::slice::from_ref(&vkey_a)).is_err());
    }
}

/// A full proof built from our parts verifies with their checkpoint parser, note verifier and
/// record-proof checker, taking the file apart by the tlog-proof layout.
#[test]
fn tlog_proof_verifies_with_their_components() {
    let leaves: Vec<Vec<u8>> = (0..37u32).map(|i| format!("event {i}").into_bytes()).collect();
    let tree = MemoryTree::from_leaf_hashes(leaves.iter().map(|d| evidentia_log::merkle::leaf_hash(d))).unwrap();
    let signer = Signer::from_seed("evidentia.example/log", [42; 32]).unwrap();
    let checkpoint = Checkpoint::new("evidentia.example/log", tree.size(), tree.root()).unwrap();
    let vkey = signer.verifier().to_vkey();
    for index in [0u64, 17, 36] {
        let file = TlogProof {
            extra: b"bundle 1".to_vec(),
            index,
            inclusion: inclusion_proof(&tree, index, tree.size()).unwrap(),
            checkpoint: checkpoint.sign(&[&signer]).unwrap(),
        }
        .to_text();
        let data = &leaves[index as usize];
        proof::verify(file.as_bytes(), Leaf::Data(data), &[signer.verifier()]).unwrap();

        // Their side: split at the first blank line, as the spec lays it out.
        let (head, note_text) = file.split_once("\n\n").unwrap();
        let mut lines = head.lines();
        assert_eq!(lines.next(), Some("c2sp.org/tlog-proof@v1"));
        assert_eq!(lines.next(), Some("extra YnVuZGxlIDE="));
        let n: u64 = lines.next().unwrap().strip_prefix("index ").unwrap().parse().unwrap();
        let path: Vec<tlog_tiles::Hash> = lines.map(|l| tlog_tiles::Hash::parse_hash(l).unwrap()).collect();
        assert_eq!(
            their_verify(note_text.as_bytes(), std::slice::from_ref(&vkey)).unwrap(),
            vec!["evidentia.example/log".to_owned()]
        );
        let note = Note::from_bytes(note_text.as_bytes()).unwrap();
        let cp = tlog_tiles::Checkpoint::from_bytes(note.text()).unwrap();
        tlog_tiles::check_record(&path, cp.size(), *cp.hash(), n, tlog_tiles::record_hash(data)).unwrap();
    }
}
