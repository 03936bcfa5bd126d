//! Print jobs (issue 19): a ticket issued at reception queued for a kiosk's printer, taken by that
//! kiosk at most once, answered printed or failed. The insert runs in the writer's issuing
//! transaction; taking and answering each run in one immediate transaction of their own.

use super::{Result, ms};
use jiff::{SignedDuration, Timestamp};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

/// A job not taken within this long, or taken and not answered within this long, is expired.
pub const JOB_TTL: SignedDuration = SignedDuration::from_secs(60);

/// A job as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRow {
    pub id: String,
    pub site: String,
    pub device: String,
    pub ticket: String,
    pub number: String,
    /// The ticket's view without its token.
    pub ticket_json: String,
    pub token_scope: String,
    pub token_key: String,
    /// `queued`, `taken`, `printed` or `failed`.
    pub state: String,
    pub error: Option<String>,
    pub created_ms: i64,
    pub taken_ms: Option<i64>,
    pub done_ms: Option<i64>,
}

impl JobRow {
    /// The state staff see: `expired` (with why) once the kiosk took too long.
    pub fn status(&self, now: Timestamp) -> (&str, Option<&str>) {
        let late = |since: i64| ms(now) - since > JOB_TTL.as_millis() as i64;
        match self.state.as_str() {
            "queued" if late(self.created_ms) => ("expired", Some("not_taken")),
            "taken" if self.taken_ms.is_some_and(late) => ("expired", Some("no_answer")),
            s => (s, self.error.as_deref()),
        }
    }
}

const COLUMNS: &str = "id, site, device, ticket, number, ticket_json, token_scope, token_key, state, error, created_ms, taken_ms, done_ms";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<JobRow> {
    Ok(JobRow {
        id: r.get(0)?,
        site: r.get(1)?,
        device: r.get(2)?,
        ticket: r.get(3)?,
        number: r.get(4)?,
        ticket_json: r.get(5)?,
        token_scope: r.get(6)?,
        token_key: r.get(7)?,
        state: r.get(8)?,
        error: r.get(9)?,
        created_ms: r.get(10)?,
        taken_ms: r.get(11)?,
        done_ms: r.get(12)?,
    })
}

/// Queue a job (in the transaction that issues its ticket).
pub fn insert(tx: &Transaction, job: &JobRow) -> Result<()> {
    tx.prepare_cached(&format!(
        "INSERT INTO print_jobs ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'queued', NULL, ?9, NULL, NULL)"
    ))?
    .execute(params![
        job.id,
        job.site,
        job.device,
        job.ticket,
        job.number,
        job.ticket_json,
        job.token_scope,
        job.token_key,
        job.created_ms
    ])?;
    Ok(())
}

pub fn get(conn: &Connection, id: &str) -> Result<Option<JobRow>> {
    let mut st = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM print_jobs WHERE id = ?1"))?;
    Ok(st.query_row([id], from_row).optional()?)
}

/// The device's queued jobs not yet expired, oldest first, marked taken: each is handed out once.
pub fn take(conn: &Connection, device: &str, now: Timestamp) -> Result<Vec<JobRow>> {
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let since = ms(now) - JOB_TTL.as_millis() as i64;
    let mut jobs = {
        let mut st = tx.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM print_jobs WHERE device = ?1 AND state = 'queued' AND created_ms >= ?2 \
             ORDER BY created_ms, id LIMIT 20"
        ))?;
        st.query_map(params![device, since], from_row)?.collect::<rusqlite::Result<Vec<_>>>()?
    };
    for job in &mut jobs {
        tx.execute(
            "UPDATE print_jobs SET state = 'taken', taken_ms = ?2 WHERE id = ?1 AND state = 'queued'",
            params![job.id, ms(now)],
        )?;
        job.state = "taken".into();
        job.taken_ms = Some(ms(now));
    }
    tx.commit()?;
    Ok(jobs)
}

/// What an answer of a kiosk did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answered {
    NotFound,
    /// Another device's job (the row, to tell which site).
    NotYours(JobRow),
    /// Not taken yet (or expired before it was): nothing to answer.
    NotTaken(JobRow),
    /// Recorded now, or the same answer again (idempotent).
    Recorded(JobRow),
    /// Already answered otherwise.
    Conflict(JobRow),
}

/// Record a kiosk's answer for a job it took: `error` is `None` when it printed.
pub fn answer(conn: &Connection, id: &str, device: &str, error: Option<&str>, now: Timestamp) -> Result<Answered> {
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let Some(mut job) = get(&tx, id)? else { return Ok(Answered::NotFound) };
    let state = if error.is_none() { "printed" } else { "failed" };
    let out = if job.device != device {
        Answered::NotYours(job)
    } else {
        match job.state.as_str() {
            "queued" => Answered::NotTaken(job),
            "taken" => {
                tx.execute(
                    "UPDATE print_jobs SET state = ?2, error = ?3, done_ms = ?4 WHERE id = ?1",
                    params![id, state, error, ms(now)],
                )?;
                job.state = state.into();
                job.error = error.map(str::to_owned);
                job.done_ms = Some(ms(now));
                Answered::Recorded(job)
            }
            s if s == state && job.error.as_deref() == error => Answered::Recorded(job),
            _ => Answered::Conflict(job),
        }
    };
    tx.commit()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + s).unwrap()
    }

    fn db() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        super::super::migrate(&mut conn).unwrap();
        conn
    }

    fn job(id: &str, device: &str, created: Timestamp) -> JobRow {
        JobRow {
            id: id.into(),
            site: "livorno-terreni".into(),
            device: device.into(),
            ticket: "01JT".into(),
            number: "A001".into(),
            ticket_json: "{}".into(),
            token_scope: "print".into(),
            token_key: "k".into(),
            state: "queued".into(),
            error: None,
            created_ms: ms(created),
            taken_ms: None,
            done_ms: None,
        }
    }

    fn queue(conn: &mut Connection, j: &JobRow) {
        let tx = conn.transaction().unwrap();
        insert(&tx, j).unwrap();
        tx.commit().unwrap();
    }

    #[test]
    fn a_job_is_taken_once_by_its_kiosk_and_answered_once() {
        let mut conn = db();
        queue(&mut conn, &job("j1", "kiosk-a", at(0)));
        assert!(take(&conn, "kiosk-b", at(1)).unwrap().is_empty(), "another kiosk gets nothing");
        assert_eq!(
            answer(&conn, "j1", "kiosk-a", None, at(1)).unwrap(),
            Answered::NotTaken(get(&conn, "j1").unwrap().unwrap())
        );
        let taken = take(&conn, "kiosk-a", at(2)).unwrap();
        assert_eq!(taken.len(), 1);
        assert!(take(&conn, "kiosk-a", at(3)).unwrap().is_empty(), "taken once");
        assert!(matches!(answer(&conn, "j1", "kiosk-b", None, at(4)).unwrap(), Answered::NotYours(_)));
        let Answered::Recorded(done) = answer(&conn, "j1", "kiosk-a", None, at(4)).unwrap() else { panic!() };
        assert_eq!(done.status(at(500)), ("printed", None));
        assert!(matches!(answer(&conn, "j1", "kiosk-a", None, at(5)).unwrap(), Answered::Recorded(_)), "idempotent");
        assert!(matches!(answer(&conn, "j1", "kiosk-a", Some("paper_out"), at(5)).unwrap(), Answered::Conflict(_)));
        assert_eq!(answer(&conn, "nope", "kiosk-a", None, at(5)).unwrap(), Answered::NotFound);
    }

    #[test]
    fn jobs_expire() {
        let mut conn = db();
        queue(&mut conn, &job("old", "kiosk-a", at(0)));
        queue(&mut conn, &job("new", "kiosk-a", at(50)));
        let j = get(&conn, "old").unwrap().unwrap();
        assert_eq!(j.status(at(60)).0, "queued");
        assert_eq!(j.status(at(61)), ("expired", Some("not_taken")));
        let taken = take(&conn, "kiosk-a", at(61)).unwrap();
        assert_eq!(
            taken.iter().map(|j| j.id.as_str()).collect::<Vec<_>>(),
            ["new"],
            "an expired job is not handed out"
        );
        assert_eq!(taken[0].status(at(122)), ("expired", Some("no_answer")));
    }
}
