// Command gen writes a realistic retail export for the benchmarks: order
// lines shaped like the public "Superstore" sample (21 columns, quoted
// product names with commas, money with up to four decimals), about two
// lines per order, as exported (an order's lines together) or shuffled.
//
//	go run ./bench/gen -n 1000000 -o lines.csv
//	go run ./bench/gen -n 1000000 -shuffle -o shuffled.csv
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"strconv"
)

var (
	cities = []struct{ city, state, zip, region string }{
		{"Henderson", "Kentucky", "42420", "South"}, {"Los Angeles", "California", "90036", "West"},
		{"Fort Lauderdale", "Florida", "33311", "South"}, {"Concord", "North Carolina", "28027", "South"},
		{"Seattle", "Washington", "98103", "West"}, {"Fort Worth", "Texas", "76106", "Central"},
		{"Madison", "Wisconsin", "53711", "Central"}, {"New York City", "New York", "10024", "East"},
	}
	products = []struct{ id, cat, sub, name string }{
		{"FUR-BO-10001798", "Furniture", "Bookcases", "Bush Somerset Collection Bookcase"},
		{"FUR-CH-10000454", "Furniture", "Chairs", `"Hon Deluxe Fabric Upholstered Stacking Chairs, Rounded Back"`},
		{"OFF-LA-10000240", "Office Supplies", "Labels", "Self-Adhesive Address Labels for Typewriters by Universal"},
		{"FUR-TA-10000577", "Furniture", "Tables", "Bretford CR4500 Series Slim Rectangular Table"},
		{"OFF-ST-10000760", "Office Supplies", "Storage", "Eldon Fold 'N Roll Cart System"},
		{"TEC-PH-10002275", "Technology", "Phones", "Mitel 5320IP Phones VoIP phone"},
		{"OFF-AR-10002833", "Office Supplies", "Art", `"Newell 322 ""Sharp"" Pencils, 12/Pack"`},
		{"TEC-AC-10002167", "Technology", "Accessories", "Imation 8GB Mini TravelDrive USB 2.0 Flash Drive"},
	}
	modes    = []string{"Second Class", "Standard Class", "First Class", "Same Day"}
	segments = []string{"Consumer", "Corporate", "Home Office"}
)

func main() {
	n := flag.Int("n", 1000000, "order lines to write")
	shuffle := flag.Bool("shuffle", false, "shuffle the lines so that no order's lines are together")
	seed := flag.Int64("seed", 1, "random seed")
	out := flag.String("o", "", "output file (standard output if empty)")
	flag.Parse()
	w := os.Stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	defer bw.Flush()
	rng := rand.New(rand.NewSource(*seed))
	lines := make([]string, 0, *n)
	for o := 0; len(lines) < *n; o++ {
		lines = appendOrder(lines, o, rng)
	}
	lines = lines[:*n]
	if *shuffle {
		rng.Shuffle(len(lines), func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
	}
	bw.WriteString("Row ID,Order ID,Order Date,Ship Date,Ship Mode,Customer ID,Customer Name,Segment,Country,City,State,Postal Code,Region,Product ID,Category,Sub-Category,Product Name,Sales,Quantity,Discount,Profit\n")
	for i, l := range lines {
		bw.WriteString(strconv.Itoa(i + 1))
		bw.WriteString(l)
	}
}

// appendOrder appends the 1 to 3 lines of order o, without their Row ID.
func appendOrder(lines []string, o int, rng *rand.Rand) []string {
	year, month, day := 2014+o%4, 1+rng.Intn(12), 1+rng.Intn(28)
	c := cities[rng.Intn(len(cities))]
	cust := rng.Intn(800)
	mode, seg := modes[rng.Intn(len(modes))], segments[cust%len(segments)]
	for range 1 + rng.Intn(3) {
		p := products[rng.Intn(len(products))]
		qty := 1 + rng.Intn(9)
		sales := fmt.Sprintf("%d.%02d", 1+rng.Intn(2000), rng.Intn(100))
		lines = append(lines, fmt.Sprintf(",CA-%d-%06d,%d-%02d-%02d,%d-%02d-%02d,%s,CG-%05d,Customer %d,%s,United States,%s,%s,%s,%s,%s,%s,%s,%s,%s,%d,%s,%.4f\n",
			year, 100000+o, year, month, day, year, month, min(day+4, 28), mode, 10000+cust, cust, seg,
			c.city, c.state, c.zip, c.region, p.id, p.cat, p.sub, p.name, sales, qty, []string{"0", "0.2", "0.45"}[rng.Intn(3)], rng.Float64()*200-50))
	}
	return lines
}
