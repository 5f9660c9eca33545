//! Where the attention over LastN is placed in the two-tower panel: the
//! `placement` view option (re-exported as `options::Placement`).

/// Where the attention over LastN is placed in the two-tower panel (deck
/// p. 18): a view option (`placement=` in a link).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// In the user tower of a two-tower model: impossible, the user tower
    /// never sees the candidate item.
    UserTower,
    /// In the ranking model, where LastN and the candidate meet.
    Ranking,
}

impl Placement {
    /// Its name in links, state and attributes: `user-tower` or `ranking`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Placement::UserTower => "user-tower",
            Placement::Ranking => "ranking",
        }
    }

    /// The one parser of a placement's name, used by the link codec,
    /// `setState`/`setView` and `setPlacement` alike (each names the
    /// field in its own refusal).
    ///
    /// ```
    /// use din_core::options::Placement;
    /// assert_eq!(Placement::from_name("user-tower"), Some(Placement::UserTower));
    /// assert_eq!(Placement::from_name(Placement::Ranking.name()), Some(Placement::Ranking));
    /// assert_eq!(Placement::from_name("Ranking"), None);
    /// ```
    #[must_use]
    pub fn from_name(s: &str) -> Option<Placement> {
        [Placement::UserTower, Placement::Ranking].into_iter().find(|p| p.name() == s)
    }
}
