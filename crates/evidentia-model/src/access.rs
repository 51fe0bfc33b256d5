//! Who may see what. The one rule that every read path applies, whether it filters rows in a
//! store or checks a single record: keeping it here keeps the stores, the API and the exports
//! from drifting apart.

use uuid::Uuid;

use crate::record::{Classification, Role};

/// The party a read is made for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Viewer {
    /// Anyone on the internet: published public records only.
    Public,
    /// A signed-in user with their role in each organisation they belong to.
    Staff {
        user_id: Uuid,
        memberships: Vec<(Uuid, Role)>,
    },
    /// Maintenance work on the whole store (verify, export by an operator, benchmarks): sees
    /// everything. Never built from a request.
    System,
}

impl Viewer {
    /// Whether a record with this owner, classification and publication state may be read.
    pub fn may_read(&self, organisation_id: Uuid, classification: Classification, published: bool) -> bool {
        match self {
            Self::System => true,
            Self::Public => classification == Classification::Public && published,
            Self::Staff { memberships, .. } => match classification {
                Classification::Public | Classification::Internal => !memberships.is_empty(),
                Classification::Restricted => memberships.iter().any(|(o, _)| *o == organisation_id),
                Classification::Confidential => memberships
                    .iter()
                    .any(|(o, r)| *o == organisation_id && matches!(r, Role::Admin | Role::Investigator)),
            },
        }
    }

    /// Whether the viewer may create or change records owned by `organisation_id`.
    pub fn may_write(&self, organisation_id: Uuid) -> bool {
        match self {
            Self::System => true,
            Self::Public => false,
            Self::Staff { memberships, .. } => memberships.iter().any(|(o, r)| *o == organisation_id && r.can_write()),
        }
    }

    /// The organisations whose restricted records the viewer may read.
    pub fn restricted_orgs(&self) -> Vec<Uuid> {
        match self {
            Self::Staff { memberships, .. } => memberships.iter().map(|(o, _)| *o).collect(),
            _ => Vec::new(),
        }
    }

    /// The organisations whose confidential records the viewer may read.
    pub fn confidential_orgs(&self) -> Vec<Uuid> {
        match self {
            Self::Staff { memberships, .. } => memberships
                .iter()
                .filter(|(_, r)| matches!(r, Role::Admin | Role::Investigator))
                .map(|(o, _)| *o)
                .collect(),
            _ => Vec::new(),
        }
    }

    pub fn user_id(&self) -> Option<Uuid> {
        match self {
            Self::Staff { user_id, .. } => Some(*user_id),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_classification_rules() {
        let own = Uuid::from_u128(1);
        let other = Uuid::from_u128(2);
        let staff = |role| Viewer::Staff {
            user_id: Uuid::from_u128(9),
            memberships: vec![(own, role)],
        };
        use Classification::*;
        // (viewer, org, classification, published) -> expected
        let cases = [
            (Viewer::Public, own, Public, true, true),
            (Viewer::Public, own, Public, false, false),
            (Viewer::Public, own, Internal, true, false),
            (staff(Role::Viewer), other, Internal, false, true),
            (staff(Role::Viewer), other, Restricted, false, false),
            (staff(Role::Viewer), own, Restricted, false, true),
            (staff(Role::Viewer), own, Confidential, false, false),
            (staff(Role::Analyst), own, Confidential, false, false),
            (staff(Role::Investigator), own, Confidential, false, true),
            (staff(Role::Admin), other, Confidential, false, false),
            (Viewer::System, other, Confidential, false, true),
        ];
        for (viewer, org, class, published, expected) in cases {
            assert_eq!(
                viewer.may_read(org, class, published),
                expected,
                "{viewer:?} {class:?} {published}"
            );
        }
        assert!(staff(Role::Investigator).may_write(own));
        assert!(!staff(Role::Analyst).may_write(own));
        assert!(!staff(Role::Admin).may_write(other));
        assert!(!Viewer::Public.may_write(own));
    }
}
