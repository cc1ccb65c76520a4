package sandbox

import (
	"testing"

	sf "github.com/syncform/syncform"
)

// TestOwnerSync: the owner mapping in both directions, against the seed's
// owners and users (DOMAIN.md, "Owners").
func TestOwnerSync(t *testing.T) {
	d := seed()
	book := ownerBook{owners: d.Owners, users: d.Users, queues: d.Queues}
	user := func(last string) string {
		for _, u := range d.Users {
			if u.LastName == last {
				return string(u.ID)
			}
		}
		t.Fatalf("no user %s", last)
		return ""
	}
	const (
		maria, james, sarah, jamesPersonal, olivia = "52841001", "52841002", "52841005", "52841006", "52841007"
	)
	sfMaria, sfJames, sfSarah, sfIntegration, sfGuest := user("Garcia"), user("Chen"), user("Johnson"), user("Integration"), user("Guest User")
	queue := string(d.Queues[0].ID)
	v := func(s string, at int64) sf.FieldValue { return sf.FieldValue{V: s, At: at} }

	tests := []struct {
		name           string
		dir            sf.Direction
		hs, sfv        sf.FieldValue
		wantHS, wantSF sf.FieldValue
	}{
		// Salesforce → HubSpot: any Salesforce owner syncs in.
		{"in: user with a HubSpot owner", sf.ToHubSpot, v(james, 1), v(sfMaria, 5), v(maria, 5), v(sfMaria, 5)},
		{"in: inactive user still syncs in", sf.ToHubSpot, v(maria, 1), v(sfSarah, 5), v(sarah, 5), v(sfSarah, 5)},
		{"in: user with no HubSpot owner comes in as its ID", sf.ToHubSpot, v(maria, 1), v(sfIntegration, 5), v(sfIntegration, 5), v(sfIntegration, 5)},
		{"in: queue comes in as its ID", sf.ToHubSpot, v(olivia, 1), v(queue, 5), v(queue, 5), v(queue, 5)},
		{"in: 15-character Salesforce value matches its user", sf.ToHubSpot, v(olivia, 1), v(sfMaria[:15], 5), v(maria, 5), v(sfMaria[:15], 5)},
		{"in: HubSpot newer, nothing moves", sf.ToHubSpot, v(olivia, 9), v(sfMaria, 5), v(olivia, 9), v(sfMaria, 5)},
		{"in: already the same owner, times differ", sf.ToHubSpot, v(maria, 1), v(sfMaria, 5), v(maria, 1), v(sfMaria, 5)},
		{"in: cleared in Salesforce, cleared in HubSpot", sf.ToHubSpot, v(maria, 1), v("", 5), v("", 5), v("", 5)},
		{"in: unassigned HubSpot record takes the owner", sf.ToHubSpot, sf.FieldValue{}, v(sfJames, 5), v(james, 5), v(sfJames, 5)},

		// HubSpot → Salesforce: only an exact active match syncs out.
		{"out: matched owner syncs out", sf.ToSalesforce, v(maria, 9), v(sfJames, 5), v(maria, 9), v(sfMaria, 9)},
		{"out: matched owner already there", sf.ToSalesforce, v(maria, 9), v(sfMaria, 5), v(maria, 9), v(sfMaria, 5)},
		{"out: Salesforce newer, nothing moves", sf.ToSalesforce, v(maria, 1), v(sfJames, 5), v(maria, 1), v(sfJames, 5)},
		{"out: same time, nothing moves", sf.ToSalesforce, v(olivia, 5), v(sfJames, 5), v(olivia, 5), v(sfJames, 5)},
		{"out: inactive user's owner reverts", sf.ToSalesforce, v(sarah, 9), v(sfJames, 5), v(james, 5), v(sfJames, 5)},
		{"out: name without the email reverts", sf.ToSalesforce, v(jamesPersonal, 9), v(sfJames, 5), v(james, 5), v(sfJames, 5)},
		{"out: owner with no user reverts to the Salesforce ID", sf.ToSalesforce, v(olivia, 9), v(sfIntegration, 5), v(sfIntegration, 5), v(sfIntegration, 5)},
		{"out: reverts to a queue", sf.ToSalesforce, v(olivia, 9), v(queue, 5), v(queue, 5), v(queue, 5)},
		{"out: owner cleared in HubSpot reverts", sf.ToSalesforce, v("", 9), v(sfJames, 5), v(james, 5), v(sfJames, 5)},
		{"out: imported active user syncs out as itself", sf.ToSalesforce, v(sfIntegration, 9), v(sfMaria, 5), v(sfIntegration, 9), v(sfIntegration, 9)},
		{"out: imported guest user syncs out (Guest owns records)", sf.ToSalesforce, v(sfGuest, 9), v(sfMaria, 5), v(sfGuest, 9), v(sfGuest, 9)},
		{"out: imported queue already the Salesforce owner", sf.ToSalesforce, v(queue, 9), v(queue, 5), v(queue, 9), v(queue, 5)},
		{"out: imported queue elsewhere reverts", sf.ToSalesforce, v(queue, 9), v(sfMaria, 5), v(maria, 5), v(sfMaria, 5)},
		{"out: unknown owner ID reverts", sf.ToSalesforce, v("99999999", 9), v(sfMaria, 5), v(maria, 5), v(sfMaria, 5)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hs, sfv := book.sync(tc.dir, tc.hs, tc.sfv)
			if hs != tc.wantHS || sfv != tc.wantSF {
				t.Errorf("sync(%s, %+v, %+v) = %+v, %+v; want %+v, %+v", tc.dir, tc.hs, tc.sfv, hs, sfv, tc.wantHS, tc.wantSF)
			}
			// Stable: a second sync in either direction changes nothing more
			// in the direction just synced.
			hs2, sf2 := book.sync(tc.dir, hs, sfv)
			if hs2 != hs || sf2 != sfv {
				t.Errorf("second sync changed %+v, %+v to %+v, %+v", hs, sfv, hs2, sf2)
			}
		})
	}
}
