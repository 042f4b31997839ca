package ledger

import (
	"testing"
	"time"
)

func TestFoldAndOrder(t *testing.T) {
	now := time.Date(2026, 11, 27, 14, 0, 0, 0, time.UTC)
	rec := func(key, batch string, made, ends time.Duration) Record {
		return Record{Bucket: "b", Key: key, Batch: batch, Time: now.Add(made), ExpiresAt: now.Add(ends)}
	}
	recs := []Record{
		rec("one.txt", "x", -3*time.Hour, time.Hour), // a batch of one is a link
		rec("logs/a/1.log", "big", -2*time.Hour, 2*time.Hour),
		rec("logs/b/2.log", "big", -2*time.Hour, 2*time.Hour),
		rec("two.txt", "", -time.Hour, 3*time.Hour),
		rec("logs/a/3.log", "big", -2*time.Hour, 2*time.Hour),
	}
	rows := Fold(len(recs), func(i int) *Record { return &recs[i] })
	if len(rows) != 3 || rows[1].Index != 1 || rows[1].Count != 3 || rows[1].Dir != "logs/" || rows[0].Count != 1 || rows[2].Index != 3 {
		t.Fatalf("rows: %+v", rows)
	}
	if got := rows[1].Path(&recs[1]); got != "s3://b/logs/ (batch of 3 links)" {
		t.Errorf("batch path %q", got)
	}
	if got := rows[0].Path(&recs[0]); got != "s3://b/one.txt" {
		t.Errorf("link path %q", got)
	}
	if o, err := ParseOrder("MADE"); err != nil || o != ByMade || o.String() != "made" {
		t.Errorf("ParseOrder(MADE) = %v, %v", o, err)
	}
	if _, err := ParseOrder("size"); err == nil {
		t.Error("ParseOrder(size) accepted")
	}
	if c := ByMade.Compare(recs[3], recs[0], now); c >= 0 {
		t.Errorf("by time made, the newer link is not first: %d", c)
	}
	if c := BySoonest.Compare(recs[3], recs[0], now); c <= 0 {
		t.Errorf("by expiry, the later-ending link is first: %d", c)
	}
	if thousands(5000) != "5 000" || thousands(1234567) != "1 234 567" || thousands(12) != "12" {
		t.Errorf("thousands: %q %q", thousands(5000), thousands(1234567))
	}
}
